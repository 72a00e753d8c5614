"""Status fields: each model's allowed moves in one table, and one guarded write that makes them.

    ORDER_STATES = Lifecycle(Order, {"reserved": {"cancelled", ...}, ...})
    ORDER_STATES.move(order, "cancelled", expires_at=None)

`move` checks the move against the table from the status the caller holds, then writes it as
`UPDATE … SET status = :to WHERE id = :id AND status = :from` and checks the row count: when two
people act at once, exactly one UPDATE matches and the other gets `Refused` with a message that
someone else changed it, and nothing of theirs is written (the handler rolls back). Callers that
lock the row first (`SELECT … FOR UPDATE` with `populate_existing`) never see that conflict, but
the guard costs nothing and keeps an unlocked caller honest.
"""

from collections.abc import Callable, Mapping

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.core.database import db
from marketplace.core.errors import Refused


def _not_allowed() -> str:
    return _("This step is not possible any more. Reload the page to see where things stand.")


def _changed_meanwhile() -> str:
    return _("Someone else changed this a moment ago. Reload the page to see it.")


class Lifecycle:
    def __init__(
        self,
        model,
        transitions: Mapping[str, set[str] | frozenset[str]],
        refused: Callable[[], str] = _not_allowed,
        column: str = "status",
    ):
        self.model = model
        self.transitions = {str(k): {str(v) for v in vs} for k, vs in transitions.items()}
        self.refused = refused
        self.column = column

    def allows(self, current: str, to: str) -> bool:
        return str(to) in self.transitions.get(str(current), ())

    def next_states(self, current: str) -> set[str]:
        return set(self.transitions.get(str(current), ()))

    def move(self, obj, to: str, **values) -> None:
        """Move `obj` from the status it holds to `to`, setting `values` in the same UPDATE."""
        current = getattr(obj, self.column)
        if not self.allows(current, to):
            raise Refused(self.refused(), code="not_allowed", status=409)
        model = self.model
        status = getattr(model, self.column)
        changes = {self.column: str(to), **values}
        result = db.session.execute(
            update(model)
            .where(model.id == obj.id, status == current)
            .values(**changes)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise Refused(_changed_meanwhile(), code="conflict", status=409)
        for name, value in changes.items():
            set_committed_value(obj, name, value)
