"""Writes to the registries: one module per kind of record (``residents``, ``households``,
``buildings``, ``units``, ``facilities``; built on ``core.records``, with the shared ``checks``) and
the spreadsheet import/export (``spreadsheets``). Every write to a record goes through these, with
its actor and an audit event; the names below are the public ones."""

from dangqun.registry.services.buildings import building_create, building_delete, building_update
from dangqun.registry.services.facilities import facility_create, facility_delete, facility_update
from dangqun.registry.services.households import household_create, household_delete, household_update
from dangqun.registry.services.residents import resident_create, resident_delete, resident_update
from dangqun.registry.services.spreadsheets import (
    ImportReport,
    RowError,
    export_registry,
    import_registry_file,
)
from dangqun.registry.services.units import (
    business_create,
    business_delete,
    business_update,
    institution_create,
    institution_delete,
    institution_update,
)

__all__ = [
    "ImportReport",
    "RowError",
    "building_create",
    "building_delete",
    "building_update",
    "business_create",
    "business_delete",
    "business_update",
    "export_registry",
    "facility_create",
    "facility_delete",
    "facility_update",
    "household_create",
    "household_delete",
    "household_update",
    "import_registry_file",
    "institution_create",
    "institution_delete",
    "institution_update",
    "resident_create",
    "resident_delete",
    "resident_update",
]
