"""Demo fairs: the ministry's August circuit."""

from datetime import date, time

from fairs.models import Circuit, Fair, FairStatus
from marketplace.extensions import db

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


def load_fairs(year: int) -> list[str]:
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
                applications_open_on=date(year, 6, 1),
                applications_close_on=date(year, 8, day - 7),
                capacity=60,
                status=FairStatus.OPEN.value,
                closing_ceremony=closing,
                circuit=circuit,
            )
        )
    return [f"Fairs of the August {year} circuit: Tegucigalpa, San Pedro Sula, La Ceiba."]
