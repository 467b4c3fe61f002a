"""async-queries: a relationship read on an object whose class the code states is no lazy load
when that class declares the relationship eager (``lazy="joined"``), though another class
declares a lazy one of the same name. The class is stated by a parameter's or an assignment's
annotation (also a list's, for a loop over it), the one entity of the statement that loads the
object (also through the name its result is bound to, and in a comprehension), the return
annotation of the project function that returned it, or the one class the relationship it is
read through holds. An eager wildcard (``selectinload("*")``) loads every relationship;
``raiseload("*")`` loads none. A method called (``data.items()``) is no relationship read."""

from __future__ import annotations

from pathlib import Path

from testkit import invoke_in, scanned_lines, write_files

MODELS = (
    "from sqlalchemy import ForeignKey\n"
    "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship\n"
    "\n\nclass Base(DeclarativeBase):\n    pass\n\n\n"
    "class User(Base):\n"
    "    __tablename__ = 'users'\n"
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    "    name: Mapped[str]\n\n\n"
    "class Seller(Base):\n"
    "    __tablename__ = 'sellers'\n"
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    "    store_id: Mapped[int]\n"
    "    user_id: Mapped[int] = mapped_column(ForeignKey('users.id'))\n"
    "    user: Mapped[User] = relationship(lazy='joined')\n\n\n"
    "class Buyer(Base):\n"
    "    __tablename__ = 'buyers'\n"
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    "    user_id: Mapped[int] = mapped_column(ForeignKey('users.id'))\n"
    "    user: Mapped[User] = relationship()\n\n\n"
    "class Sale(Base):\n"
    "    __tablename__ = 'sales'\n"
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    "    seller_id: Mapped[int] = mapped_column(ForeignKey('sellers.id'))\n"
    "    buyer_id: Mapped[int] = mapped_column(ForeignKey('buyers.id'))\n"
    "    seller: Mapped['Seller'] = relationship()\n"
    "    buyer: Mapped[Buyer | None] = relationship()\n"
    "    items: Mapped[list['Buyer']] = relationship(viewonly=True)\n"
)

SERVICES = (
    "from sqlalchemy import select\n"
    "from sqlalchemy.ext.asyncio import AsyncSession\n"
    "from sqlalchemy.orm import selectinload\n\n"
    "from app.models import Buyer, Sale, Seller\n\n\n"
    "async def seller_name(db: AsyncSession, seller_id: int) -> str:\n"
    "    seller = await db.get(Seller, seller_id)\n"
    "    return seller.user.name\n\n\n"
    "async def buyer_name(db: AsyncSession, buyer_id: int) -> str:\n"
    "    buyer = await db.get(Buyer, buyer_id)\n"
    "    return buyer.user.name  # lazy\n\n\n"
    "async def seller_names(db: AsyncSession, store_id: int) -> list[str]:\n"
    "    result = await db.execute(select(Seller).where(Seller.store_id == store_id))\n"
    "    return [seller.user.name for seller in result.scalars()]\n\n\n"
    "async def names(db: AsyncSession, seller: Seller | None, buyer: 'Buyer') -> str:\n"
    "    await db.flush()\n"
    "    return seller.user.name + buyer.user.name  # lazy\n\n\n"
    "async def sale_names(db: AsyncSession, sale_id: int) -> str:\n"
    "    options = [selectinload(Sale.seller), selectinload(Sale.buyer)]\n"
    "    sale = await db.get(Sale, sale_id, options=options)\n"
    "    return sale.seller.user.name + sale.buyer.user.name  # lazy\n\n\n"
    "async def find_seller(db: AsyncSession, seller_id: int) -> Seller | None:\n"
    "    return await db.get(Seller, seller_id)\n\n\n"
    "async def find_buyer(db: AsyncSession, buyer_id: int) -> Buyer | None:\n"
    "    return await db.get(Buyer, buyer_id)\n\n\n"
    "async def found_names(db: AsyncSession, seller_id: int, buyer_id: int) -> str:\n"
    "    seller = await find_seller(db, seller_id)\n"
    "    buyer = await find_buyer(db, buyer_id)\n"
    "    return seller.user.name + buyer.user.name  # lazy\n\n\n"
    "async def annotated_names(db: AsyncSession, rows: list[object]) -> str:\n"
    "    await db.flush()\n"
    "    seller: Seller = rows[0]\n"
    "    buyer: Buyer = rows[1]\n"
    "    return seller.user.name + buyer.user.name  # lazy\n\n\n"
    "async def listed_names(db: AsyncSession, sellers: list[Seller], buyers: list[Buyer]) -> str:\n"
    "    await db.flush()\n"
    "    names = [seller.user.name for seller in sellers]\n"
    "    for buyer in buyers:\n"
    "        names.append(buyer.user.name)  # lazy\n"
    "    return ' '.join(names)\n\n\n"
    "async def counts(db: AsyncSession, data: dict[str, int]) -> int:\n"
    "    await db.flush()\n"
    "    return sum(count for _, count in data.items())\n"
)

WILDCARDS = (
    "from sqlalchemy import select\n"
    "from sqlalchemy.ext.asyncio import AsyncSession\n"
    "from sqlalchemy.orm import raiseload, selectinload\n\n"
    "from app.models import Buyer\n\n\n"
    "async def loaded_name(db: AsyncSession, buyer_id: int) -> str:\n"
    "    statement = select(Buyer).where(Buyer.id == buyer_id).options(selectinload('*'))\n"
    "    buyer = (await db.execute(statement)).scalar_one()\n"
    "    return buyer.user.name\n"
)

RAISING = WILDCARDS.replace("selectinload('*')", "raiseload('*')").replace(
    "buyer.user.name\n", "buyer.user.name  # lazy\n"
)


def _lazy_load_lines(root: Path) -> dict[str, list[int]]:
    """The lines of each file that a scan reports as possible lazy loads."""
    files = {
        "app/__init__.py": "",
        "app/models.py": MODELS,
        "app/services.py": SERVICES,
        "app/wildcards.py": WILDCARDS,
        "app/raising.py": RAISING,
    }
    return scanned_lines(root, files, "async-queries", "lazy load")


def _lines_ending(text: str, comment: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if line.endswith(comment)]


def test_only_reads_of_lazy_relationships_are_reported(tmp_path: Path) -> None:
    found = _lazy_load_lines(tmp_path)
    assert found == {
        "app/services.py": _lines_ending(SERVICES, "# lazy"),
        "app/raising.py": _lines_ending(RAISING, "# lazy"),
    }


LOADING = (
    "from sqlalchemy.ext.asyncio import AsyncSession\n\n"
    "from app.models import Buyer\n\n\n"
    "def buyer_names(db: AsyncSession) -> list[str]:\n"
    "    return [buyer.user.name for buyer in db.query(Buyer).all()]\n\n\n"
    "def first_buyer_name(db: AsyncSession) -> str:\n"
    "    buyer: Buyer = db.query(Buyer).first()\n"
    "    return buyer.user.name\n"
)


def test_a_comprehension_or_annotated_name_gets_its_query_loading(tmp_path: Path) -> None:
    """The object is bound once, to the result of a query rewritten here: the relationship
    it reads is loaded eagerly by that query."""
    write_files(tmp_path, {"app/__init__.py": "", "app/models.py": MODELS, "app/repo.py": LOADING})
    code, out, _ = invoke_in(
        tmp_path, "--no-cache", "apply", "async-queries", "--path", "app/repo.py", "--dry-run"
    )  # fmt: skip
    assert code in (0, 1), out
    assert out.count(".options(selectinload(Buyer.user))") == 2, out
    assert "possible lazy load" not in out.replace("`selectinload(Buyer.user)` is added", "")
