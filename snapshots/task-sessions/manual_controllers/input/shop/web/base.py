from functools import cached_property

from fastapi import Depends
from sqlalchemy.orm import Session

from shop.database import get_db, get_settings
from shop.stores import find_owner, open_stores

__all__ = ["ShopController"]


class Service:
    def __init__(self, stores):
        self.stores = stores


class _Controller:
    db: Session = Depends(get_db)
    settings: dict = Depends(get_settings)
    tenant: int = 1

    @property
    def stores(self):
        if self._stores is None:
            self._stores = open_stores(self.db, self.tenant)
        return self._stores

    @cached_property
    def owner(self):
        return find_owner(self.db, self.tenant)

    @property
    def orders(self):
        return self.stores.orders

    @property
    def service(self):
        return Service(self.stores)


class ShopController(_Controller):
    def record(self, item_id: int) -> None:
        self.db.add(item_id)
        self.db.commit()

    def log(self, text: str) -> None:
        print(text, self.settings)
