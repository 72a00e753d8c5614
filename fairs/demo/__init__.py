"""Demo fairs: the ministry's August circuit and a fair that took place a few weeks ago."""

from datetime import date, time, timedelta

from fairs.fairs.models import Circuit, Fair, FairStatus
from fairs.layout.services import FOOD_ZONE, generate_layout
from marketplace.core.extensions import db

#: The finished fair other demo loaders fill with vendors, check-ins and sales.
PAST_FAIR_SLUG = "emprendimiento-comayagua"
DEMO_ROWS, DEMO_COLS = 4, 8

AUGUST_FAIRS = (
    # slug stem, name, city, department, venue, day, closing ceremony
    (
        "tegucigalpa",
        "Feria de Emprendimiento Tegucigalpa",
        "Tegucigalpa",
        "Francisco Morazán",
        "Parque Central de Tegucigalpa",
        15,
        False,
    ),
    (
        "san-pedro-sula",
        "Feria de Emprendimiento San Pedro Sula",
        "San Pedro Sula",
        "Cortés",
        "Parque Central de San Pedro Sula",
        26,
        False,
    ),
    (
        "la-ceiba",
        "Feria de Emprendimiento La Ceiba y clausura",
        "La Ceiba",
        "Atlántida",
        "Parque Manuel Bonilla, La Ceiba",
        31,
        True,
    ),
)


def load_fairs(year: int, today: date) -> list[str]:
    """The three fairs of the coming August circuit, open for applications."""
    slug = f"circuito-agosto-{year}"
    circuit = db.session.scalar(db.select(Circuit).where(Circuit.slug == slug))
    if circuit is None:
        circuit = Circuit(slug=slug, name=f"Circuito de ferias de agosto {year}")
        db.session.add(circuit)
    for stem, name, city, department, venue, day, closing in AUGUST_FAIRS:
        fair_slug = f"{stem}-{year}"
        if db.session.scalar(db.select(Fair.id).where(Fair.slug == fair_slug)):
            continue
        db.session.add(
            Fair(
                slug=fair_slug,
                name=name,
                city=city,
                department=department,
                venue=venue,
                description=(
                    "Feria del Mes de la Prevención de la Migración Irregular: productos "
                    "hechos en Honduras por personas emprendedoras retornadas."
                ),
                starts_on=date(year, 8, day),
                ends_on=date(year, 8, day),
                opens_at=time(9, 0),
                closes_at=time(17, 0),
                # Open for applications from today, so the demo can be tried at once.
                applications_open_on=min(date(year, 6, 1), today),
                applications_close_on=date(year, 8, day - 7),
                capacity=60,
                status=FairStatus.OPEN.value,
                closing_ceremony=closing,
                circuit=circuit,
            )
        )
    db.session.flush()
    for fair in circuit.fairs:
        add_demo_layout(fair)
    return [f"Fairs of the August {year} circuit: Tegucigalpa, San Pedro Sula, La Ceiba."]


def load_past_fair(today: date) -> list[str]:
    """A fair held three weeks before `today`, finished, with its booth layout."""
    fair = db.session.scalar(db.select(Fair).where(Fair.slug == PAST_FAIR_SLUG))
    if fair is None:
        day = today - timedelta(days=21)
        fair = Fair(
            slug=PAST_FAIR_SLUG,
            name="Feria de Emprendimiento Comayagua",
            city="Comayagua",
            department="Comayagua",
            venue="Parque Central de Comayagua",
            description="Feria de personas emprendedoras retornadas en el centro histórico.",
            starts_on=day,
            ends_on=day,
            opens_at=time(9, 0),
            closes_at=time(16, 0),
            applications_open_on=day - timedelta(days=45),
            applications_close_on=day - timedelta(days=10),
            capacity=32,
            status=FairStatus.FINISHED.value,
        )
        db.session.add(fair)
        db.session.flush()
    add_demo_layout(fair)
    return [f"Past fair: {fair.name} ({fair.starts_on.isoformat()}, finished)."]


def add_demo_layout(fair: Fair) -> None:
    """4 rows of 8: power along row A, shade on row B, the food row D, two booths out of use."""
    if fair.booths:
        return
    booths = generate_layout(None, fair, DEMO_ROWS, DEMO_COLS)
    last_col = DEMO_COLS - 1
    for booth in booths:
        booth.has_power = booth.row == 0 or booth.row == DEMO_ROWS - 1
        booth.shade = booth.row == 1
        booth.zone = FOOD_ZONE if booth.row == DEMO_ROWS - 1 else None
        booth.unavailable = booth.col == last_col and booth.row in (1, 2)
        if booth.unavailable:
            booth.notes = "Junto a la fuente: no se usa."
    db.session.flush()
