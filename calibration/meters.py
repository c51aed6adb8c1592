"""Meter data in: read long or wide CSV files through a mapping file, clean them, report.

Layouts (``.csv`` or ``.csv.gz``; column names are set in the mapping's ``columns``):

- **long**: one reading per row, ``timestamp, meter, value[, unit]``; a unit column, where
  present, gives the unit of each row (it must agree with the mapping's ``unit``).
- **wide**: a timestamp column and one column per meter; units come from the mapping.

One load has one native interval (15 min to monthly; inferred, or ``interval:`` in the
mapping); files with different intervals need separate mappings. Time stamps are read in the
mapping's ``timezone`` and converted to ``tz_out``. A wall-clock time repeated when clocks go
back is taken as summer time the first time and standard time the second; a time that does
not exist (clocks go forward) is an error, because it shows the file is not in that zone's
wall-clock time (the Cambridge 2019 files, for example, run on GMT all year). Daily and
monthly readings are calendar periods: they keep their date (a monthly reading belongs to the
month of its date, so bills dated at month end work) and are labelled at midnight of
``tz_out``. Every meter the mapping names must be in its file, and every meter of a file must
be in the mapping unless ``ignore_unmapped: true``. See ``calibration.mapping`` for the
mapping format and ``calibration.cleaning`` for the cleaning rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.cleaning import (
    CleaningReport,
    CleanOptions,
    MeterCounts,
    aggregate,
    clean_meter,
    infer_interval,
    is_calendar,
    unit_factor,
)
from calibration.mapping import MeterMap, MeterSpec, load_mapping, parse_timezone, unit_problem
from calibration.screening import screen_duplicates
from twin.errors import InputError, Problem
from twin.scenario.load import inside

MAX_LISTED = 10  # problems of one kind listed per file before "... and N more"


@dataclass
class MeterData:
    """Cleaned meter readings.

    Attributes
    ----------
    frame : pandas.DataFrame
        One column per meter id, on the regular native grid (index ``timestamp``, tz-aware in
        ``tz_out``, interval start), in each meter's ``model_unit`` (energy in MWh per
        interval). NaN where missing, masked or flagged.
    interval : str
        Native interval as a pandas rule (``15min``, ``h``, ``D``, ``MS``).
    mapping : MeterMap
        The validated mapping (targets and units per meter).
    report : CleaningReport
        What cleaning did, per meter.
    """

    frame: pd.DataFrame
    interval: str
    mapping: MeterMap
    report: CleaningReport

    @property
    def targets(self) -> dict[str, str]:
        """Meter id -> model target (``enterprise.b0.electricity``)."""
        return {m.id: m.target for m in self.mapping.meters.values()}

    @property
    def units(self) -> dict[str, str]:
        """Meter id -> unit of its column in ``frame``."""
        return {m.id: m.model_unit for m in self.mapping.meters.values()}

    def aggregate(self, freq: str, min_coverage: float = 0.9) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Sum to ``hourly``, ``daily`` or ``monthly``; see ``cleaning.aggregate``."""
        return aggregate(self.frame, freq, self.interval, min_coverage)


def load_meters(data_path: str | Path, map_path: str | Path, tz_out: str,
                keep: tuple[str, ...] = ()) -> MeterData:
    """Read, check and clean meter data.

    Parameters
    ----------
    data_path : str or Path
        A data file, or a folder whose files the meters name with ``file:``.
    map_path : str or Path
        The mapping file (YAML, see ``calibration.mapping``).
    tz_out : str
        Time zone of the result: IANA name, ``UTC`` or ``+HH:MM``.
    keep : tuple of str
        Data-quality screens whose readings are kept (``calibration.screening``).

    Raises
    ------
    twin.errors.InputError
        Unreadable file, unparseable time stamp or value, unknown unit, a meter missing from
        its file or a file meter missing from the mapping, ... one line per problem.
    """
    mapping = load_mapping(map_path)
    try:
        tz = parse_timezone(tz_out)
    except ValueError as exc:
        raise InputError(Problem("(argument)", "tz_out", str(exc))) from exc
    parts, ignored = [], {}
    for path, specs in _files(Path(data_path), mapping).items():
        raw, ignored[str(path)] = _read(path, specs, mapping)
        parts.append((str(path), raw))
    interval = mapping.interval or _common_interval(mapping, parts)
    readings = pd.concat([_readings(f, raw, mapping, interval, tz) for f, raw in parts])
    report = CleaningReport(files=[f for f, _ in parts], timezone_in=str(mapping.timezone),
                            timezone_out=str(tz), interval=interval,
                            duplicate_policy=mapping.duplicates, outlier_k=mapping.outlier_k,
                            keep=list(keep), ignored_meters={f: ids for f, ids in ignored.items() if ids})
    frame = _clean(readings, mapping, interval, report, keep)
    return MeterData(frame=frame, interval=interval, mapping=mapping, report=report)


def _files(data_path: Path, mapping: MeterMap) -> dict[Path, list[MeterSpec]]:
    """Group the meters by the data file they are read from."""
    folder = data_path if data_path.is_dir() else data_path.parent
    groups: dict[Path, list[MeterSpec]] = {}
    problems = []
    for spec in mapping.meters.values():
        path = folder / spec.file if spec.file else data_path
        field = f"meters.{spec.id}.file" if spec.file else "meters"
        if spec.file and not inside(path, folder):  # the mapping names no file elsewhere
            problems.append(Problem(mapping.path, field, "must name a file in the data folder "
                                    "(no absolute or ../ paths)", spec.id))
            continue
        if not path.is_file():
            problems.append(Problem(mapping.path, field, "data file not found: "
                                    f"{spec.file or data_path.name}", spec.id))
        groups.setdefault(path, []).append(spec)
    if problems:
        raise InputError(problems)
    return groups


def _read(path: Path, specs: list[MeterSpec], mapping: MeterMap) -> tuple[pd.DataFrame, list]:
    """Read one file into long rows (line, meter id, stamp, parsed time, value, unit)."""
    try:
        table = pd.read_csv(path, dtype=str, skipinitialspace=True)
    except (OSError, ValueError) as exc:
        raise InputError(Problem(str(path), "(file)", f"cannot read CSV: {exc}")) from exc
    cols = mapping.columns
    long = mapping.layout == "long" or (
        mapping.layout is None and {cols["meter"], cols["value"]} <= set(table.columns))
    required = [cols["timestamp"]] + ([cols["meter"], cols["value"]] if long else [])
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise InputError([Problem(str(path), c, missing_column(c, required, table))
                          for c in missing])
    table.insert(0, "line", np.arange(2, len(table) + 2))  # 1-based, after the header line
    if long:
        found = set(table[cols["meter"]].dropna().unique())
        field = cols["meter"]
    else:
        found = set(table.columns) - {"line", cols["timestamp"]}
        field = "(columns)"
    ignored = _check_meters(str(path), field, found, specs, mapping)
    rows = _long_rows(table, specs, cols) if long else _wide_rows(table, specs, cols)
    if rows.empty:
        raise InputError(Problem(str(path), "(file)", "no readings of the mapped meters"))
    rows["time"] = _parse_stamps(str(path), rows, mapping)
    return rows, ignored


def missing_column(name: str, expected: list[str], table: pd.DataFrame) -> str:
    """A missing column, said without echoing the file's header (it may not be a meter file)."""
    return (f"column not found; expected columns {expected}, the file's first line has "
            f"{len(table.columns)} column(s)")


def _check_meters(file: str, field: str, found: set, specs: list[MeterSpec],
                  mapping: MeterMap) -> list[str]:
    """Meters named but absent (error) and present but unnamed (error or ignored)."""
    named = [s.source for s in specs]
    problems = [Problem(file, field, f"meter {s.source!r} of the mapping is not in the file",
                        s.id) for s in specs if s.source not in found]
    problems += [Problem(file, field, f"meter {s.source!r} of the file is mapped more than "
                         "once", s.id) for s in specs if named.count(s.source) > 1]
    unmapped = sorted(found - set(named), key=str)
    if not mapping.ignore_unmapped:
        problems += [Problem(file, field, "meter of the file is not in the mapping (name it, or "
                             "set ignore_unmapped: true)", m) for m in unmapped[:MAX_LISTED]]
        if len(unmapped) > MAX_LISTED:
            problems.append(Problem(file, field, f"... and {len(unmapped) - MAX_LISTED} more "
                                    "meters of the file not in the mapping"))
    if problems:
        raise InputError(problems)
    return unmapped


def _long_rows(table: pd.DataFrame, specs: list[MeterSpec], cols: dict) -> pd.DataFrame:
    """Rows of the mapped meters of a long table, renamed to the internal columns."""
    ids = {s.source: s.id for s in specs}
    rows = table[table[cols["meter"]].isin(ids)]
    unit = rows[cols["unit"]] if cols["unit"] in rows else pd.Series(np.nan, index=rows.index)
    return pd.DataFrame({"line": rows["line"], "meter": rows[cols["meter"]].map(ids),
                         "stamp": rows[cols["timestamp"]], "value": rows[cols["value"]],
                         "unit": unit, "column": cols["value"], "per_row": False})


def _wide_rows(table: pd.DataFrame, specs: list[MeterSpec], cols: dict) -> pd.DataFrame:
    """Melt the mapped columns of a wide table into long rows."""
    parts = [pd.DataFrame({"line": table["line"], "meter": s.id,
                           "stamp": table[cols["timestamp"]], "value": table[s.source],
                           "unit": np.nan, "column": s.source, "per_row": True})
             for s in specs]
    return pd.concat(parts, ignore_index=True)


def _problems(file: str, rows: pd.DataFrame, field: str | None, message) -> list[Problem]:
    """One problem per bad row (``message(row)``), at most MAX_LISTED, then a summary.

    ``field`` None means the value column of each row. A bad time stamp of a wide file is
    one problem per line (it belongs to every meter of the line, so no meter id).
    """
    per_line = field is not None and bool(rows["per_row"].any())
    if per_line:
        rows = rows.drop_duplicates("line")
    out = [Problem(file, field or r.column, message(r), None if per_line else r.meter)
           for r in rows.head(MAX_LISTED).itertuples()]
    if len(rows) > MAX_LISTED:
        out.append(Problem(file, field or "value", f"... and {len(rows) - MAX_LISTED} more "
                           "such rows"))
    return out


def _parse_stamps(file: str, raw: pd.DataFrame, mapping: MeterMap) -> pd.Series:
    """Parse time stamps (naive wall clock, or tz-aware where the file gives offsets)."""
    try:
        stamps = pd.to_datetime(raw["stamp"], errors="coerce", format=mapping.timestamp_format)
    except ValueError:  # mixed UTC offsets
        stamps = pd.to_datetime(raw["stamp"], errors="coerce", utc=True)
    bad = raw[stamps.isna()]
    if len(bad):
        raise InputError(_problems(file, bad, mapping.columns["timestamp"], lambda r:
                                   f"row {r.line}: cannot parse {r.stamp!r} as a time stamp"))
    return stamps


def _common_interval(mapping: MeterMap, parts: list[tuple[str, pd.DataFrame]]) -> str:
    """The native interval shared by all files (inferred from their time stamps)."""
    found = {f: infer_interval(raw["time"]) for f, raw in parts}
    if None in found.values() or len(set(found.values())) != 1:
        raise InputError(Problem(mapping.path, "interval", f"cannot infer one native interval "
                                 f"(found {found}); set interval: in the mapping"))
    return next(iter(found.values()))


def _instants(file: str, raw: pd.DataFrame, mapping: MeterMap, interval: str,
              tz_out) -> pd.Series:
    """Time stamps as tz-aware interval starts in ``tz_out``."""
    stamps = raw["time"]
    aware = stamps.dt.tz is not None
    if is_calendar(interval):
        wall = stamps.dt.tz_convert(mapping.timezone).dt.tz_localize(None) if aware else stamps
        wall = wall - pd.Timedelta(days=1) if mapping.label == "end" else wall
        day = wall.dt.to_period("M").dt.start_time if interval == "MS" else wall.dt.normalize()
        return day.dt.tz_localize(tz_out, ambiguous=True, nonexistent="shift_forward")
    if not aware:
        first = ~pd.DataFrame({"m": raw["meter"], "t": stamps}).duplicated().to_numpy()
        stamps = stamps.dt.tz_localize(mapping.timezone, ambiguous=first, nonexistent="NaT")
        bad = raw[stamps.isna()]
        if len(bad):
            raise InputError(_problems(file, bad, mapping.columns["timestamp"], lambda r: (
                f"row {r.line}: {r.stamp} does not exist in {mapping.timezone} (clocks go "
                "forward); if the file keeps standard time all year, give timezone as a fixed "
                "offset such as '+00:00'")))
    instants = stamps.dt.tz_convert(tz_out)
    step = pd.Timedelta(pd.tseries.frequencies.to_offset(interval))
    return instants - step if mapping.label == "end" else instants


def _readings(file: str, raw: pd.DataFrame, mapping: MeterMap, interval: str,
              tz_out) -> pd.DataFrame:
    """Parsed readings of one file: meter id, time (tz-aware), value in the model unit."""
    values = pd.to_numeric(raw["value"], errors="coerce")
    bad = raw[values.isna() & raw["value"].notna()]
    if len(bad):
        raise InputError(_problems(file, bad, None, lambda r:
                                   f"row {r.line}: {r.value!r} is not a number"))
    from_map = raw["meter"].map({m.id: m.unit for m in mapping.meters.values()})
    units = raw["unit"].astype(object).where(raw["unit"].notna(), from_map)
    factors, labels = _unit_factors(file, raw["meter"], units, mapping)
    return pd.DataFrame({"meter": raw["meter"].to_numpy(),
                         "time": _instants(file, raw, mapping, interval, tz_out).to_numpy(),
                         "value": (values * factors).to_numpy(), "conversion": labels.to_numpy()})


def _unit_factors(file: str, meters: pd.Series, units: pd.Series,
                  mapping: MeterMap) -> tuple[pd.Series, pd.Series]:
    """Conversion factor and ``unit->model_unit`` label of every row."""
    pairs = pd.DataFrame({"meter": meters, "unit": units})
    factor, label, problems = {}, {}, []
    unit_col = mapping.columns["unit"]
    for meter, unit in pairs.drop_duplicates().itertuples(index=False):
        spec = mapping.meters[meter]
        if pd.isna(unit):
            problems.append(Problem(mapping.path, f"meters.{meter}.unit",
                                    "required (the data file has no unit column)", meter))
        elif spec.unit is not None and unit_factor(unit, spec.model_unit) != unit_factor(
                spec.unit, spec.model_unit):
            problems.append(Problem(file, unit_col, f"unit {unit!r} of the file contradicts "
                                    f"the mapping's {spec.unit!r}", meter))
        elif unit_factor(unit, spec.model_unit) is None:
            problems.append(Problem(file, unit_col, unit_problem(unit, spec.model_unit), meter))
        else:
            factor[(meter, unit)] = unit_factor(unit, spec.model_unit)
            label[(meter, unit)] = f"{unit}->{spec.model_unit}"
    if problems:
        raise InputError(problems)
    keys = pd.Series(list(zip(meters, units, strict=True)), index=meters.index)
    return keys.map(factor).astype(float), keys.map(label)


def _clean(readings: pd.DataFrame, mapping: MeterMap, interval: str,
           report: CleaningReport, keep: tuple[str, ...] = ()) -> pd.DataFrame:
    """Clean every meter onto the common regular grid; fill the report."""
    grid = pd.date_range(readings["time"].min(), readings["time"].max(), freq=interval,
                         name="timestamp")
    by_meter = dict(list(readings.groupby("meter", sort=False)))
    columns = {}
    for spec in mapping.meters.values():
        rows = by_meter[spec.id]
        counts = MeterCounts(rows_read=len(rows),
                             unit_conversions=rows["conversion"].value_counts().to_dict())
        options = CleanOptions(interval=interval, zeros_are_missing=spec.zeros_are_missing,
                               duplicates=mapping.duplicates, outlier_k=mapping.outlier_k,
                               keep=keep)
        values = pd.Series(rows["value"].to_numpy(), index=pd.DatetimeIndex(rows["time"]))
        columns[spec.id] = clean_meter(values, grid, options, counts)
        report.meters[spec.id] = counts
    return screen_duplicates(pd.DataFrame(columns, index=grid), report.meters, keep)
