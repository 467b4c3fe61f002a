from fastapi import FastAPI

from shop.routers import items, orders

app = FastAPI()
app.include_router(items.router)
app.include_router(orders.router)
