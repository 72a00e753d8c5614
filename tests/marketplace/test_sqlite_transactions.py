"""SQLite under a threaded server: how transactions begin (marketplace/core/database.py).

Requests that may write begin with the write lock (BEGIN IMMEDIATE), so two read-then-write
requests take turns instead of one failing with "database is locked"; pages read with GET begin
deferred, so they never wait for a writer; and a GET that must write after all (the order page
releasing its own reservation) asks for the lock with `begin_writing`.
"""

import threading
from contextlib import suppress

import pytest
from sqlalchemy import update

from marketplace.core.database import begin_writing, db
from vendors.products.models import Product


@pytest.fixture(autouse=True)
def sqlite_only(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")


def read_then_write(app, method, product_id, both_read, errors, before_write=None):
    """A request that reads the stock, waits (a little) for the other one to read too, then
    writes what it read minus one."""
    with app.test_request_context(method=method):
        try:
            if before_write:
                before_write()
            stock = db.session.get(Product, product_id).stock
            # When the other request waits for our lock to read, go on and write.
            with suppress(threading.BrokenBarrierError):
                both_read.wait(timeout=1)
            db.session.execute(
                update(Product).where(Product.id == product_id).values(stock=stock - 1)
            )
            db.session.commit()
        except Exception as e:  # noqa: BLE001 - reported by the test
            errors.append(e)
        finally:
            db.session.remove()


def race(app, product_id, method, before_write=None) -> list:
    errors = []
    both_read = threading.Barrier(2)
    threads = [
        threading.Thread(
            target=read_then_write, args=(app, method, product_id, both_read, errors, before_write)
        )
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def new_product(make) -> int:
    product_id = make.shop_product(stock=10).id
    # Reading the id began a transaction, which outside a request holds the write lock: end it.
    db.session.rollback()
    return product_id


def stock_of(product_id) -> int:
    db.session.expire_all()
    return db.session.get(Product, product_id).stock


def test_two_writing_requests_that_read_first_take_turns(app, make):
    product_id = new_product(make)
    assert race(app, product_id, "POST") == []
    # Each read the stock the other had written: no update was lost either.
    assert stock_of(product_id) == 8


def test_a_page_read_with_get_does_not_wait_for_a_writer(app, make):
    product_id = new_product(make)
    writing, read = threading.Event(), threading.Event()
    seen = []

    def writer():
        with app.test_request_context(method="POST"):
            db.session.execute(update(Product).where(Product.id == product_id).values(stock=3))
            writing.set()
            read.wait(timeout=5)  # hold the write lock until the page has been read
            db.session.commit()
            db.session.remove()

    def page():
        writing.wait(timeout=5)
        with app.test_request_context(method="GET"):
            seen.append(db.session.get(Product, product_id).stock)
            read.set()
            db.session.remove()

    threads = [threading.Thread(target=writer), threading.Thread(target=page)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # The page read the last committed stock while the writer still held its lock.
    assert seen == [10]
    assert stock_of(product_id) == 3


def test_a_get_that_asks_for_the_write_lock_writes_safely_beside_another_writer(app, make):
    product_id = new_product(make)
    assert race(app, product_id, "GET", before_write=begin_writing) == []
    assert stock_of(product_id) == 8
