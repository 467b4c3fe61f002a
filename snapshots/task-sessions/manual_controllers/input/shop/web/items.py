import threading

from fastapi import APIRouter, BackgroundTasks

from shop.web import ShopController

router = APIRouter(prefix="/items")


class Exporter:
    def __init__(self, orders, currency: str) -> None:
        self.orders = orders
        self.currency = currency

    def run(self) -> None:
        print(self.orders, self.currency)


def export(rows, db) -> None:
    print(rows, db)


def notify(owner_id: int, text: str) -> None:
    print(owner_id, text)


def controller(router):
    return lambda cls: cls


@controller(router)
class ItemController(ShopController):
    @router.post("/export")
    def export_all(self, tasks: BackgroundTasks):
        exporter = Exporter(self.orders, "EUR")
        tasks.add_task(exporter.run)  # hands off the session

    @router.post("/export-direct")
    def export_direct(self, tasks: BackgroundTasks):
        tasks.add_task(export, [1, 2], self.db)  # hands off the session

    @router.post("/export-stores")
    def export_stores(self, tasks: BackgroundTasks):
        tasks.add_task(export, [1, 2], self.stores.orders)  # hands off the session

    @router.post("/{item_id}/record")
    def record_later(self, item_id: int, tasks: BackgroundTasks):
        tasks.add_task(self.record, item_id)  # hands off the session

    @router.post("/{item_id}/thread")
    def record_in_thread(self, item_id: int):
        threading.Thread(target=self.record, args=(item_id,)).start()  # hands off the session

    @router.post("/{item_id}/lambda")
    def record_via_lambda(self, item_id: int, tasks: BackgroundTasks):
        tasks.add_task(lambda: self.stores.orders.clear())  # hands off the session

    # silent: plain values reach the task
    @router.post("/{item_id}/notify")
    def notify_owner(self, item_id: int, tasks: BackgroundTasks):
        owner = self.stores.orders.get(item_id)
        tasks.add_task(notify, owner["id"], "done")
        tasks.add_task(notify, self.tenant, str(self.settings))
        tasks.add_task(notify, self.owner, "found")
        tasks.add_task(export, [item_id], self.db.bind)

    @router.post("/{item_id}/log")
    def log_later(self, item_id: int, tasks: BackgroundTasks):
        tasks.add_task(self.log, f"item {item_id}")
        tasks.add_task(Exporter(self.settings, "EUR").run)


class Scraper:
    def __init__(self, service, stores) -> None:
        self.service = service
        self.stores = stores

    def run(self) -> None:
        print(self.service, self.stores)


@controller(router)
class ScrapeController(ShopController):
    @router.post("/scrape")
    def scrape(self, tasks: BackgroundTasks):
        scraper = Scraper(self.service, self.stores)
        tasks.add_task(scraper.run)  # hands off the session
