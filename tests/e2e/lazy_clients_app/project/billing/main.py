from fastapi import FastAPI

from billing.routes import health, payments

app = FastAPI(title="billing")
app.include_router(health.router)
app.include_router(payments.router)
