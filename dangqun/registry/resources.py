"""Spreadsheet (xlsx/csv) import and export of the registries through django-import-export.

Columns are keyed by the models' verbose names in the Chinese source (``column_name``); exports are
headed in the reader's language (``column_label``) and imports take the headers of every interface
language (``RegistryResource.source_headers``), so districts' Chinese files and English exports both
load. Rows refer to other objects by code (网格代码, 楼栋编码, 户编码, 党组织编码, 管理部门编码), never
by database id. Every cell is checked by a widget that raises ``ValueError`` with a message in the
reader's language; the import service
(``registry.services.import_registry_file``) turns those into ``(row, column, message)`` and
writes nothing when any row is wrong. Each row is saved through its record's service
(``create_record``/``update_record``: ``registry.services.residents`` and the like), the one write
path the admin and the API use too, with an audit event per record.

Exports mask ID numbers and phone numbers unless the user holds ``registry.view_resident_pii``.

Higher layers (``party``) define their own resources on the same base and make them importable
with ``register_import_resource``; this module never imports them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields as ie_fields
from import_export import resources, widgets

from dangqun.core import pii
from dangqun.core.encrypted_fields import EncryptedCharField, hash_field_for
from dangqun.core.i18n import join_list, source_text
from dangqun.core.masking import mask_id_number, mask_phone
from dangqun.orgs.models import Department, PartyOrg
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.models import (
    Building,
    Business,
    Facility,
    Household,
    Institution,
    Resident,
    ResidentTag,
)
from dangqun.registry.services import (
    building_create,
    building_update,
    business_create,
    business_update,
    facility_create,
    facility_update,
    household_create,
    household_update,
    institution_create,
    institution_update,
    resident_create,
    resident_update,
)
from dangqun.registry.validators import (
    birth_date_from_id_number,
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_phone,
)

PII_PERMISSION = "registry.view_resident_pii"

GRID_COLUMN = gettext_lazy("网格代码")
HOUSEHOLD_COLUMN = gettext_lazy("户编码")
BUILDING_COLUMN = gettext_lazy("楼栋编码")
PARTY_ORG_COLUMN = gettext_lazy("党组织编码")
DEPARTMENT_COLUMN = gettext_lazy("管理部门编码")

_LOOKUP_CHUNK = 500
# Columns that spreadsheets carry for people, not for the database (a running number).
IGNORED_COLUMNS = frozenset({source_text(gettext_lazy("序号"))})
# Characters that make Excel read a cell as a formula (CSV/formula injection).
_FORMULA_STARTS = frozenset("=+-@")


def cell_text(value: Any) -> str:
    """A cell as text: ``None`` → ``""``; Excel's ``13812345678.0`` → ``"13812345678"``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def column_label(column: str) -> str:
    """A column named by its Chinese source header, in the reader's language (spreadsheets are
    exported, and import errors named, in the reader's language; see ``RegistryResource.source_headers``)."""
    return _(column) if column else column


def user_may_see_pii(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_active", False) and user.has_perm(PII_PERMISSION))


# --- widgets ------------------------------------------------------------------------------------


class TextWidget(widgets.Widget):
    """Free text; blank cells become ``""``."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return cell_text(value)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class IdNumberWidget(TextWidget):
    """A GB 11643 resident ID number; the check character is verified."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise ValueError(_("身份证号须以文本格式填写(Excel 数字格式会丢失末几位)"))
        text = cell_text(value)
        if not text:
            return ""
        number = normalize_id_number(text)
        try:
            validate_id_number(number)
        except ValidationError as exc:
            raise ValueError(" ".join(exc.messages)) from None
        return number


class PhoneWidget(TextWidget):
    """A mainland mobile number or a landline with its area code."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = cell_text(value)
        if not text:
            return ""
        phone = normalize_phone(text)
        try:
            validate_phone(phone)
        except ValidationError as exc:
            raise ValueError(" ".join(exc.messages)) from None
        return phone


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%Y年%m月%d日",  # i18n: data (a date format accepted as input)
)


class DateWidget(widgets.Widget):
    """A date typed as 2020-01-31, 2020/1/31, 2020.1.31, 20200131 or 2020年1月31日, or an Excel date."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = cell_text(value)
        if not text:
            return None
        for fmt in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar date, no time)
            except ValueError:
                continue
        raise ValueError(_("日期“%(text)s”格式错误,应为 2020-01-31 这样的日期") % {"text": text})

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.isoformat() if isinstance(value, dt.date) else ""


class IntegerWidget(widgets.Widget):
    """A whole number; blank cells take the field's default."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        if isinstance(value, bool):
            raise ValueError(_("“%(cell_text)s”不是整数") % {"cell_text": cell_text(value)})
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            if value.is_integer():
                return int(value)
            raise ValueError(_("“%(value)s”不是整数") % {"value": value})
        text = cell_text(value)
        if not text:
            return None
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError(_("“%(text)s”不是整数") % {"text": text})
        return int(text)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return "" if value is None else value


class DecimalNumberWidget(widgets.Widget):
    """A number such as a longitude or latitude; blank cells become ``None``."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> float | None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        text = cell_text(value)
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            raise ValueError(_("“%(text)s”不是数字") % {"text": text}) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return "" if value is None else value


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "t"}  # i18n: data (accepted as input, with the English)
_FALSE = {"否", "n", "no", "false", "0", "×", "x", "f"}  # i18n: data (accepted as input, with the English)


class YesNoWidget(widgets.Widget):
    """是/否 (also 1/0, true/false, √/×); blank cells take the field's default."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool | None:
        if isinstance(value, bool):
            return value
        text = cell_text(value).lower()
        if not text:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(_("“%(cell_text)s”应为“是”或“否”") % {"cell_text": cell_text(value)})

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        return _("是") if value else _("否")


class ChoiceWidget(widgets.Widget):
    """A choice written as its Chinese label (男) or its stored value (M). Spreadsheets stay in Chinese
    whatever language the importing user reads; the label in that language is accepted too."""

    def __init__(self, choices: Iterable[tuple[Any, Any]]) -> None:
        super().__init__()
        choices = list(choices)
        self.labels = {str(value): source_text(label) for value, label in choices}
        self.lazy_labels = {str(value): label for value, label in choices}
        self.by_text = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                self.by_text.update({str(label): str(value) for value, label in choices})
                self.by_text.update({str(label).lower(): str(value) for value, label in choices})
        self.by_text.update({label: value for value, label in self.labels.items()})
        self.by_text.update({value.lower(): value for value in self.labels})

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = cell_text(value)
        if not text:
            return ""
        found = self.by_text.get(text) or self.by_text.get(text.lower())
        if found is None:
            allowed = join_list(str(label) for label in self.lazy_labels.values())
            raise ValueError(
                _("“%(text)s”不是有效的选项,可选:%(allowed)s") % {"text": text, "allowed": allowed}
            )
        return found

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value in (None, ""):
            return ""
        return str(self.lazy_labels.get(str(value), str(value)))


class CodeLookupWidget(widgets.Widget):
    """A foreign key written as the related object's code. Look-ups are cached per import, and
    ``prime`` loads every code of a column in a few queries instead of one per row."""

    def __init__(
        self,
        model: type[models.Model],
        *,
        label: str | Promise,
        field: str = "code",
        check: Callable[[Any, str], None] | None = None,
        select_related: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        self.model = model
        self.label = label
        self.field = field
        self.check = check
        self.select_related = select_related
        self._cache: dict[str, Any] = {}

    def _queryset(self) -> QuerySet[Any]:
        qs = self.model._default_manager.all()
        return qs.select_related(*self.select_related) if self.select_related else qs

    def prime(self, values: Iterable[Any]) -> None:
        codes = sorted({cell_text(v) for v in values} - {""} - set(self._cache))
        for start in range(0, len(codes), _LOOKUP_CHUNK):
            chunk = codes[start : start + _LOOKUP_CHUNK]
            found = {
                str(getattr(o, self.field)): o
                for o in self._queryset().filter(**{f"{self.field}__in": chunk})
            }
            for code in chunk:
                self._cache[code] = found.get(code)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        code = cell_text(value)
        if not code:
            return None
        if code not in self._cache:
            self._cache[code] = self._queryset().filter(**{self.field: code}).first()
        obj = self._cache[code]
        if obj is None:
            raise ValueError(_("%(label)s“%(code)s”不存在") % {"label": self.label, "code": code})
        if self.check is not None:
            self.check(obj, code)
        return obj

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(getattr(value, self.field))


def _check_grid(region: Region, code: str) -> None:
    if region.level != RegionLevel.GRID:
        raise ValueError(
            _("“%(code)s”是%(get_level_display)s“%(name)s”,不是网格(第5级)")
            % {"code": code, "get_level_display": region.get_level_display(), "name": region.name}
        )
    if not region.is_active:
        raise ValueError(_("网格“%(code)s”已停用") % {"code": code})


def grid_widget() -> CodeLookupWidget:
    return CodeLookupWidget(Region, label=gettext_lazy("网格代码"), check=_check_grid)


_TAG_SEPARATORS = re.compile(r"[,，、;；\s]+")


class TagsWidget(widgets.ManyToManyWidget):
    """Resident tags by name or code, separated by 、 , ; or spaces. Unknown tags are errors."""

    def __init__(self) -> None:
        super().__init__(ResidentTag, separator="、", field="name")
        self._tags: dict[str, ResidentTag] | None = None

    def _all_tags(self) -> dict[str, ResidentTag]:
        if self._tags is None:
            self._tags = {}
            for tag in ResidentTag.objects.all():
                self._tags[tag.code] = tag
                self._tags[tag.name] = tag
        return self._tags

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> list[ResidentTag]:
        text = cell_text(value)
        if not text:
            return []
        tags = self._all_tags()
        names = [part for part in _TAG_SEPARATORS.split(text) if part]
        unknown = [name for name in names if name not in tags]
        if unknown:
            raise ValueError(_("标签“%(join)s”不存在") % {"join": join_list(unknown)})
        return list({tags[name].pk: tags[name] for name in names}.values())

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        return "、".join(tag.name for tag in value.all())


# --- fields -------------------------------------------------------------------------------------


def column(model: type[models.Model], name: str) -> ie_fields.Field:
    """A resource field for a model field, headed by its verbose name, with the widget its type
    calls for and the model's default for blank cells."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)  # noqa: S101 (programming error, not input)
    widget: widgets.Widget
    if field.choices:
        widget = ChoiceWidget(field.choices)
    elif isinstance(field, models.BooleanField):
        widget = YesNoWidget()
    elif isinstance(field, models.DateField):
        widget = DateWidget()
    elif isinstance(field, models.IntegerField):
        widget = IntegerWidget()
    elif isinstance(field, models.FloatField):
        widget = DecimalNumberWidget()
    else:
        widget = TextWidget()
    default = field.default if field.has_default() else models.NOT_PROVIDED
    return ie_fields.Field(
        attribute=name, column_name=source_text(field.verbose_name), widget=widget, default=default
    )


def special(name: str, column_name: str | Promise, widget: widgets.Widget) -> ie_fields.Field:
    """A resource field headed by ``column_name`` (its Chinese source; see ``source_headers``)."""
    return ie_fields.Field(attribute=name, column_name=source_text(column_name), widget=widget)


# --- resources ----------------------------------------------------------------------------------


class RegistryResource(resources.ModelResource):
    """Base of the registry resources.

    - ``natural_key``: the field whose value finds an existing row to update (a code, an ID
      number); rows with a blank key are new. Two rows of one file with the same key are an error.
    - ``required_columns``: field names whose columns must be in the header.
    - ``pii_fields``: field name → masking function applied on export without the permission.
    - ``sheet_row_numbers``: set by the import service so messages name spreadsheet rows.
    """

    natural_key: ClassVar[str | None] = None
    required_columns: ClassVar[tuple[str, ...]] = ()
    pii_fields: ClassVar[dict[str, Callable[[str | None], str]]] = {}
    export_select_related: ClassVar[tuple[str, ...]] = ()
    export_prefetch_related: ClassVar[tuple[str, ...]] = ()

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user
        self.show_pii = user_may_see_pii(user)
        self.sheet_row_numbers: list[int] | None = None
        self._seen_keys: dict[Any, int] = {}
        self._existing: dict[Any, Any] | None = None

    # -- metadata used by the service and the admin

    @classmethod
    def model_label(cls) -> str:
        return str(cls._meta.model._meta.label_lower)

    @classmethod
    def get_display_name(cls) -> str:
        return str(cls._meta.model._meta.verbose_name)

    def column_for(self, attribute: str) -> str:
        for field in self.fields.values():
            if field.attribute == attribute:
                return str(field.column_name)
        return "" if attribute == "__all__" else attribute

    def missing_columns(self, headers: Iterable[str]) -> list[str]:
        present = set(headers)
        return [
            self.column_for(name) for name in self.required_columns if self.column_for(name) not in present
        ]

    def source_headers(self, headers: Iterable[str]) -> list[str]:
        """The header row with every column known in any interface language named by its Chinese
        source: files keep working whatever language they were exported in (districts' files are
        Chinese). Unknown headers stay as they are."""
        sources = [str(field.column_name) for field in self.fields.values()] + sorted(IGNORED_COLUMNS)
        aliases: dict[str, str] = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                aliases.update({_(source).casefold(): source for source in sources})
        aliases.update({source: source for source in sources})
        return [aliases.get(h.strip().casefold(), h) for h in headers]

    def unknown_columns(self, headers: Iterable[str]) -> list[str]:
        known = {str(field.column_name) for field in self.fields.values()} | IGNORED_COLUMNS
        return [h for h in headers if h and h not in known]

    def sheet_row(self, index: int) -> int:
        """Spreadsheet row of the ``index``-th data row (1-based): the header is row 1."""
        if self.sheet_row_numbers and 0 < index <= len(self.sheet_row_numbers):
            return self.sheet_row_numbers[index - 1]
        return index + 1

    # -- import

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        super().before_import(dataset, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, CodeLookupWidget) and field.column_name in dataset.headers:
                field.widget.prime(dataset[field.column_name])
        self._prime_existing(dataset)

    def _prime_existing(self, dataset: Any) -> None:
        """Load the rows the file's natural keys refer to, a few queries for the whole file."""
        self._existing = None
        if self.natural_key is None or self.fields[self.natural_key].column_name not in dataset.headers:
            return
        keys = set()
        for data_row in dataset.dict:
            key = self._natural_key_value(data_row)
            if key not in (None, ""):
                keys.add(key)
        existing: dict[Any, Any] = {}
        ordered = sorted(keys, key=str)
        for start in range(0, len(ordered), _LOOKUP_CHUNK):
            chunk = ordered[start : start + _LOOKUP_CHUNK]
            for obj in self.get_queryset().filter(self._keys_filter(chunk)).order_by("-pk"):
                existing[self._key_token(getattr(obj, self.natural_key))] = obj  # the oldest row wins
        self._existing = existing

    def _keys_filter(self, keys: list[Any]) -> Q:
        """Rows whose natural key is one of ``keys``; an encrypted key (an ID number) is found
        through the index of its keyed hash, never by decrypting rows."""
        assert self.natural_key is not None  # noqa: S101 - callers check
        model = self._meta.model
        if not isinstance(model._meta.get_field(self.natural_key), EncryptedCharField):
            return Q(**{f"{self.natural_key}__in": keys})
        field = hash_field_for(model, self.natural_key)
        hashes = [h for key in keys for h in pii.blind_index_candidates(field.kind, str(key))]
        return Q(**{f"{field.name}__in": hashes})

    def _key_token(self, key: Any) -> Any:
        """What two spellings of one natural key share: the keyed hash of an encrypted key."""
        assert self.natural_key is not None  # noqa: S101 - callers check
        model = self._meta.model
        if not isinstance(model._meta.get_field(self.natural_key), EncryptedCharField):
            return key
        return pii.blind_index(hash_field_for(model, self.natural_key).kind, str(key or ""))

    def get_instance(self, instance_loader: Any, row: Any) -> Any:
        key = self._natural_key_value(row)
        if self.natural_key is None or key in (None, ""):
            return None
        if self._existing is not None:
            return self._existing.get(self._key_token(key))
        return self.get_queryset().filter(self._keys_filter([key])).order_by("pk").first()

    def validate_instance(
        self,
        instance: Any,
        import_validation_errors: dict[str, Any] | None = None,
        validate_unique: bool = True,
    ) -> None:
        """``full_clean`` the row, skipping the existence query of foreign keys that a
        ``CodeLookupWidget`` has just loaded from the database."""
        errors = dict(import_validation_errors or {})
        exclude = set(errors)
        for field in self.fields.values():
            loaded = isinstance(field.widget, CodeLookupWidget) and field.attribute
            if loaded and getattr(instance, f"{field.attribute}_id", None) is not None:
                exclude.add(str(field.attribute))
        try:
            instance.full_clean(exclude=exclude, validate_unique=validate_unique)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _natural_key_value(self, row: Any) -> Any:
        if self.natural_key is None:
            return None
        field = self.fields[self.natural_key]
        if field.column_name not in row:
            return None
        try:
            return field.clean(row)
        except ValueError:
            return None  # reported by import_instance with the row's other errors

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in self.fields.values():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as exc:
                    errors.setdefault(field.attribute, []).append(ValidationError(str(exc)))
        key = self._natural_key_value(row)
        if key not in (None, "") and self.natural_key is not None:
            index = int(kwargs.get("row_number", 0))
            first = self._seen_keys.setdefault(key, index)
            if first != index:
                column_name = self.column_for(self.natural_key)
                message = _("%(column_name)s“%(key)s”与第%(sheet_row)s行重复") % {
                    "column_name": column_name,
                    "key": key,
                    "sheet_row": self.sheet_row(first),
                }
                errors.setdefault(self.natural_key, []).append(ValidationError(message))
        self.clean_row(instance, row, errors)
        if errors:
            raise ValidationError(errors)

    def clean_row(self, instance: Any, row: Any, errors: dict[str, Any]) -> None:
        """Cross-field checks of one row; add messages to ``errors`` (field → list)."""

    # -- writing: through the record's service, as the admin and the API do

    def create_record(self, values: dict[str, Any]) -> models.Model:
        raise NotImplementedError(f"{type(self).__name__} must define create_record")

    def update_record(self, obj: Any, values: dict[str, Any]) -> models.Model:
        raise NotImplementedError(f"{type(self).__name__} must define update_record")

    def values_to_write(self, instance: Any, row: Any) -> dict[str, Any]:
        """The row's record as the service's keyword arguments: every field of the resource as the
        row (and ``clean_row``) left it on ``instance``, and the many-to-many columns of the row."""
        values: dict[str, Any] = {}
        for field in self.get_import_fields():
            name = field.attribute
            if not name:
                continue
            if isinstance(field.widget, widgets.ManyToManyWidget):
                if field.column_name in row:
                    values[name] = field.clean(row)
                continue
            try:
                values[name] = getattr(instance, name)
            except ObjectDoesNotExist:  # a required relation left blank: the service names it
                values[name] = None
        return values

    def save_instance(self, instance: Any, is_create: bool, row: Any, **kwargs: Any) -> None:
        values = self.values_to_write(instance, row)
        saved = self.create_record(values) if is_create else self.update_record(instance, values)
        instance.pk = saved.pk
        instance._state.adding = False

    def save_m2m(self, instance: Any, row: Any, **kwargs: Any) -> None:
        """Nothing: the many-to-many columns went to the service with the rest of the row."""

    # -- export

    def filter_export(self, queryset: QuerySet[Any], **kwargs: Any) -> QuerySet[Any]:
        queryset = super().filter_export(queryset, **kwargs)
        if self.export_select_related:
            queryset = queryset.select_related(*self.export_select_related)
        if self.export_prefetch_related:
            queryset = queryset.prefetch_related(*self.export_prefetch_related)
        return queryset

    def export_field(self, field: ie_fields.Field, instance: Any, **kwargs: Any) -> Any:
        value = super().export_field(field, instance, **kwargs)
        masker = self.pii_fields.get(field.attribute or "")
        if masker is not None and not self.show_pii:
            return masker(value)
        if isinstance(value, str) and value[:1] in _FORMULA_STARTS:
            # Free text such as a name or a note must never become a spreadsheet formula.
            return "'" + value
        return value


def _add_error(errors: dict[str, Any], attribute: str, message: str) -> None:
    errors.setdefault(attribute, []).append(ValidationError(message))


class BuildingResource(RegistryResource):
    code = column(Building, "code")
    name = column(Building, "name")
    grid = special("grid", GRID_COLUMN, grid_widget())
    kind = column(Building, "kind")
    address = column(Building, "address")
    floors = column(Building, "floors")
    units = column(Building, "units")
    built_year = column(Building, "built_year")
    manager_name = column(Building, "manager_name")
    manager_phone = special("manager_phone", gettext_lazy("楼栋长电话"), PhoneWidget())
    lng = column(Building, "lng")
    lat = column(Building, "lat")

    natural_key = "code"
    required_columns = ("code", "name", "grid")
    pii_fields: ClassVar[dict[str, Callable[[str | None], str]]] = {"manager_phone": mask_phone}
    export_select_related = ("grid",)

    def create_record(self, values: dict[str, Any]) -> models.Model:
        return building_create(actor=self.user, **values)

    def update_record(self, obj: Any, values: dict[str, Any]) -> models.Model:
        return building_update(actor=self.user, building=obj, **values)

    class Meta:
        model = Building
        fields = (
            "code", "name", "grid", "kind", "address", "floors", "units", "built_year",
            "manager_name", "manager_phone", "lng", "lat",
        )  # fmt: skip
        import_id_fields = ("code",)
        clean_model_instances = True
        skip_diff = True
        use_transactions = True


class HouseholdResource(RegistryResource):
    code = column(Household, "code")
    building = special(
        "building",
        BUILDING_COLUMN,
        CodeLookupWidget(Building, label=gettext_lazy("楼栋编码"), select_related=("grid",)),
    )
    grid = special("grid", GRID_COLUMN, grid_widget())
    room = column(Household, "room")
    housing = column(Household, "housing")
    head_name = column(Household, "head_name")
    members_count = column(Household, "members_count")

    natural_key = "code"
    required_columns = ("code", "building", "room")
    export_select_related = ("grid", "building")

    def create_record(self, values: dict[str, Any]) -> models.Model:
        return household_create(actor=self.user, **values)

    def update_record(self, obj: Any, values: dict[str, Any]) -> models.Model:
        return household_update(actor=self.user, household=obj, **values)

    class Meta:
        model = Household
        fields = ("code", "building", "grid", "room", "housing", "head_name", "members_count")
        import_id_fields = ("code",)
        clean_model_instances = True
        skip_diff = True
        use_transactions = True

    def clean_row(self, instance: Any, row: Any, errors: dict[str, Any]) -> None:
        building = instance.building if instance.building_id else None
        if building is None or "grid" in errors:
            return
        if instance.grid_id is None:
            instance.grid = building.grid  # a blank 网格代码 means the building's grid
        elif instance.grid_id != building.grid_id:
            _add_error(
                errors,
                "grid",
                _("网格代码与楼栋“%(code)s”所在网格“%(code2)s”不一致")
                % {"code": building.code, "code2": building.grid.code},
            )


class ResidentResource(RegistryResource):
    name = column(Resident, "name")
    gender = column(Resident, "gender")
    id_number = special("id_number", gettext_lazy("身份证号"), IdNumberWidget())
    birth_date = column(Resident, "birth_date")
    ethnicity = column(Resident, "ethnicity")
    phone = special("phone", gettext_lazy("联系电话"), PhoneWidget())
    grid = special("grid", GRID_COLUMN, grid_widget())
    household = special(
        "household",
        HOUSEHOLD_COLUMN,
        CodeLookupWidget(Household, label=gettext_lazy("户编码"), select_related=("grid",)),
    )
    relation_to_head = column(Resident, "relation_to_head")
    is_floating = column(Resident, "is_floating")
    is_party_member = column(Resident, "is_party_member")
    work_unit = column(Resident, "work_unit")
    tags = special("tags", gettext_lazy("标签"), TagsWidget())
    notes = column(Resident, "notes")

    natural_key = "id_number"
    required_columns = ("name", "grid")
    pii_fields: ClassVar[dict[str, Callable[[str | None], str]]] = {
        "id_number": mask_id_number,
        "phone": mask_phone,
    }
    export_select_related = ("grid", "household")
    export_prefetch_related = ("tags",)

    def create_record(self, values: dict[str, Any]) -> models.Model:
        return resident_create(actor=self.user, **values)

    def update_record(self, obj: Any, values: dict[str, Any]) -> models.Model:
        return resident_update(actor=self.user, resident=obj, **values)

    class Meta:
        model = Resident
        fields = (
            "name", "gender", "id_number", "birth_date", "ethnicity", "phone", "grid", "household",
            "relation_to_head", "is_floating", "is_party_member", "work_unit", "tags", "notes",
        )  # fmt: skip
        clean_model_instances = True
        skip_diff = True
        use_transactions = True

    def clean_row(self, instance: Any, row: Any, errors: dict[str, Any]) -> None:
        clean_person_row(instance, errors)
        household = instance.household if instance.household_id else None
        if (
            household is not None
            and "grid" not in errors
            and instance.grid_id is not None
            and household.grid_id != instance.grid_id
        ):
            message = _("住户“%(code)s”属于网格“%(code2)s”,与网格代码不一致") % {
                "code": household.code,
                "code2": household.grid.code,
            }
            _add_error(errors, "household", message)


def clean_person_row(instance: Any, errors: dict[str, Any]) -> None:
    """Fill birth date and gender from a valid ID number, and reject rows that contradict it."""
    if "id_number" in errors or not instance.id_number:
        return
    born = birth_date_from_id_number(instance.id_number)
    if "birth_date" not in errors:
        if instance.birth_date is None:
            instance.birth_date = born
        elif instance.birth_date != born:
            _add_error(
                errors,
                "birth_date",
                _("出生日期与身份证号不一致(身份证号为%(isoformat)s)") % {"isoformat": born.isoformat()},
            )
    gender = "M" if int(instance.id_number[16]) % 2 else "F"
    if "gender" not in errors:
        if not instance.gender:
            instance.gender = gender
        elif instance.gender != gender:
            _add_error(errors, "gender", _("性别与身份证号不一致"))


class BusinessResource(RegistryResource):
    name = column(Business, "name")
    kind = column(Business, "kind")
    credit_code = column(Business, "credit_code")
    grid = special("grid", GRID_COLUMN, grid_widget())
    address = column(Business, "address")
    industry = column(Business, "industry")
    legal_person = column(Business, "legal_person")
    phone = special("phone", gettext_lazy("联系电话"), PhoneWidget())
    employees = column(Business, "employees")
    is_resident_unit = column(Business, "is_resident_unit")
    party_org = special(
        "party_org", PARTY_ORG_COLUMN, CodeLookupWidget(PartyOrg, label=gettext_lazy("党组织编码"))
    )
    lng = column(Business, "lng")
    lat = column(Business, "lat")

    natural_key = "credit_code"
    required_columns = ("name", "kind", "grid")
    pii_fields: ClassVar[dict[str, Callable[[str | None], str]]] = {"phone": mask_phone}
    export_select_related = ("grid", "party_org")

    def create_record(self, values: dict[str, Any]) -> models.Model:
        return business_create(actor=self.user, **values)

    def update_record(self, obj: Any, values: dict[str, Any]) -> models.Model:
        return business_update(actor=self.user, business=obj, **values)

    class Meta:
        model = Business
        fields = (
            "name", "kind", "credit_code", "grid", "address", "industry", "legal_person", "phone",
            "employees", "is_resident_unit", "party_org", "lng", "lat",
        )  # fmt: skip
        clean_model_instances = True
        skip_diff = True
        use_transactions = True


class InstitutionResource(RegistryResource):
    name = column(Institution, "name")
    kind = column(Institution, "kind")
    credit_code = column(Institution, "credit_code")
    grid = special("grid", GRID_COLUMN, grid_widget())
    address = column(Institution, "address")
    contact_name = column(Institution, "contact_name")
    phone = special("phone", gettext_lazy("联系电话"), PhoneWidget())
    staff_count = column(Institution, "staff_count")
    is_resident_unit = column(Institution, "is_resident_unit")
    party_org = special(
        "party_org", PARTY_ORG_COLUMN, CodeLookupWidget(PartyOrg, label=gettext_lazy("党组织编码"))
    )
    lng = column(Institution, "lng")
    lat = column(Institution, "lat")

    natural_key = "credit_code"
    required_columns = ("name", "kind", "grid")
    pii_fields: ClassVar[dict[str, Callable[[str | None], str]]] = {"phone": mask_phone}
    export_select_related = ("grid", "party_org")

    def create_record(self, values: dict[str, Any]) -> models.Model:
        return institution_create(actor=self.user, **values)

    def update_record(self, obj: Any, values: dict[str, Any]) -> models.Model:
        return institution_update(actor=self.user, institution=obj, **values)

    class Meta:
        model = Institution
        fields = (
            "name", "kind", "credit_code", "grid", "address", "contact_name", "phone", "staff_count",
            "is_resident_unit", "party_org", "lng", "lat",
        )  # fmt: skip
        clean_model_instances = True
        skip_diff = True
        use_transactions = True


class FacilityResource(RegistryResource):
    code = column(Facility, "code")
    name = column(Facility, "name")
    kind = column(Facility, "kind")
    status = column(Facility, "status")
    grid = special("grid", GRID_COLUMN, grid_widget())
    address = column(Facility, "address")
    owner_department = special(
        "owner_department", DEPARTMENT_COLUMN, CodeLookupWidget(Department, label=gettext_lazy("部门编码"))
    )
    lng = column(Facility, "lng")
    lat = column(Facility, "lat")

    natural_key = "code"
    required_columns = ("code", "name", "kind", "grid")
    export_select_related = ("grid", "owner_department")

    def create_record(self, values: dict[str, Any]) -> models.Model:
        return facility_create(actor=self.user, **values)

    def update_record(self, obj: Any, values: dict[str, Any]) -> models.Model:
        return facility_update(actor=self.user, facility=obj, **values)

    class Meta:
        model = Facility
        fields = ("code", "name", "kind", "status", "grid", "address", "owner_department", "lng", "lat")
        import_id_fields = ("code",)
        clean_model_instances = True
        skip_diff = True
        use_transactions = True


# --- the importable models ------------------------------------------------------------------------

_IMPORT_RESOURCES: dict[str, type[RegistryResource]] = {}


def register_import_resource(resource_class: type[RegistryResource]) -> type[RegistryResource]:
    """Make a resource importable by ``import_registry_file`` under its model's label
    (``registry.resident``) and model name (``resident``). Usable as a class decorator."""
    model_meta = resource_class._meta.model._meta
    _IMPORT_RESOURCES[model_meta.label_lower] = resource_class
    _IMPORT_RESOURCES[model_meta.model_name] = resource_class
    return resource_class


def get_import_resource(model_name: str) -> type[RegistryResource]:
    resource_class = _IMPORT_RESOURCES.get(model_name.strip().lower())
    if resource_class is None:
        raise ValidationError(_("不支持导入“%(model)s”"), code="unknown_model", params={"model": model_name})
    return resource_class


def importable_models() -> list[str]:
    return sorted({cls.model_label() for cls in _IMPORT_RESOURCES.values()})


for _resource in (
    BuildingResource,
    HouseholdResource,
    ResidentResource,
    BusinessResource,
    InstitutionResource,
    FacilityResource,
):
    register_import_resource(_resource)
