from fastapi import BackgroundTasks, Depends, FastAPI

from settings import Settings

app = FastAPI()


def get_settings():
    return Settings()


def notify(user_id: int, settings: Settings) -> None:
    print(settings.smtp_host, user_id)


@app.post("/users/{user_id}/notify")
def send(user_id: int, tasks: BackgroundTasks, settings: Settings = Depends(get_settings)):
    tasks.add_task(notify, user_id, settings)
    return {}
