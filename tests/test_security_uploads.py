"""Issue 14, findings 1 and 2: uploads read no server file, echo no file, leave no folder;
YAML alias bombs and python tags are refused by the one bounded reader.

A "secret" file beside the upload folder stands for any server file: every path a mapping,
a spec or a scenario names must be refused before it is read, no message may carry its
text or a server path, and the private upload folder must be gone afterwards.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from calibration.mapping import load_mapping
from calibration.spec import load_spec
from parkapp import uploads
from twin.cli import main as cli_main
from twin.errors import InputError
from twin.scenario.load import load_scenario
from twin.scenario.yaml_reader import MAX_NODES, parse_yaml

SECRET = "TOP_SECRET_LINE"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True))  # 9**9 = 387 M strings, 400 bytes


def scenario(weather: dict | None = None) -> dict:
    return {"name": "upload", "period": {"year": 2025, "start": "2025-01-01", "days": 31},
            "site": {"name": "t", "latitude_deg": 31.3, "longitude_deg": 120.62,
                     "timezone": "Asia/Shanghai",
                     "weather": weather or {"source": "synthetic", "site": "suzhou"}},
            "grid": {"import_max_mw": 50}, "buses": [{"id": "el", "carrier": "electricity"}],
            "enterprises": [{"id": "f1", "sector": "machinery", "heat_bus": None,
                             "demand": {"electricity_mwh": 1000.0}}]}


def meters_csv() -> bytes:
    rows = [f"2025-01-{d:02d} {h:02d}:00,f1_el,{100 + h}" for d in range(1, 32) for h in range(24)]
    return ("timestamp,meter,value\n" + "\n".join(rows) + "\n").encode()


def mapping(file: str | None = None) -> dict:
    meter = {"target": "enterprise.f1.electricity", "unit": "kWh"}
    return {"timezone": "Asia/Shanghai", "meters": {"f1_el": {**meter, **({"file": file} if file else {})}}}


SPEC = {"free": {"enterprises[f1].demand.electricity_mwh": None},
        "periods": {"calibration": ["2025-01-01", "2025-01-24"],
                    "validation": ["2025-01-25", "2025-01-31"]},
        "fit": {"max_evals": 2, "rounds": 1}}
WEATHER = {"timezone": "UTC", "columns": {"timestamp": "timestamp", "temp_air_c": "t"}}


@pytest.fixture
def server(tmp_path, monkeypatch):
    """A secret file on the 'server' and a private temp root to see leftover folders in."""
    secret = tmp_path / "secret.csv"
    secret.write_text(f"{SECRET},x\n1,2\n", encoding="utf-8")
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(temp_root))
    return secret, temp_root


def upload(mapping_doc: dict, spec_doc: dict | None = None, scen: dict | None = None) -> dict:
    files = {"scenario": ("my park.yaml", yaml.safe_dump(scen or scenario()).encode()),
             "meters": ("meters.csv", meters_csv()),
             "mapping": ("my map.yaml", yaml.safe_dump(mapping_doc).encode())}
    if spec_doc is not None:
        files["spec"] = ("my spec.yaml", yaml.safe_dump(spec_doc).encode())
    return files


def _refused(files: dict, server, field: str) -> str:
    secret, temp_root = server
    with pytest.raises(InputError) as info:
        uploads.calibrate_uploads(files)
    text = str(info.value)
    assert field in text, text
    assert SECRET not in text and str(temp_root) not in text, text  # a path the user wrote may show
    assert list(temp_root.iterdir()) == []  # the private folder is removed
    return text


@pytest.mark.parametrize("escape", ["abs", "dotdot"])
def test_mapping_file_outside_the_upload_folder_is_refused(server, escape):
    secret = server[0]
    path = str(secret) if escape == "abs" else "../../secret.csv"
    text = _refused(upload(mapping(path)), server, "meters.f1_el.file")
    assert "my map.yaml" in text and "must name a file in the data folder" in text


@pytest.mark.parametrize("escape", ["abs", "dotdot"])
def test_spec_weather_outside_the_upload_folder_is_refused(server, escape):
    secret = server[0]
    path = str(secret) if escape == "abs" else "../../secret.csv"
    text = _refused(upload(mapping(), {**SPEC, "weather": {**WEATHER, "path": path}}), server,
                    "weather.path")
    assert "my spec.yaml" in text


@pytest.mark.parametrize("escape", ["abs", "dotdot"])
def test_scenario_weather_outside_the_upload_folder_is_refused(server, escape):
    """The Scenario page refuses it; the calibration flow must too (it ran allow_outside)."""
    secret = server[0]
    path = str(secret) if escape == "abs" else "../../secret.csv"
    scen = scenario({"source": "csv", "path": path})
    text = _refused(upload(mapping(), SPEC, scen), server, "site.weather.path")
    assert "my park.yaml" in text and "outside the scenario folder" in text


def test_a_missing_file_is_named_as_written_not_by_a_server_path(server):
    text = _refused(upload(mapping("other.csv")), server, "meters.f1_el.file")
    assert "data file not found: other.csv" in text


def test_wrong_columns_say_what_is_expected_not_the_files_text(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text(f"{SECRET} VERSION=12,b\n1,2\n", encoding="utf-8")
    (tmp_path / "map.yaml").write_text(yaml.safe_dump(mapping("data.csv")), encoding="utf-8")
    from calibration.meters import load_meters

    with pytest.raises(InputError) as info:
        load_meters(tmp_path, tmp_path / "map.yaml", "Asia/Shanghai")
    text = str(info.value)
    assert SECRET not in text and "expected columns ['timestamp'" in text
    assert "2 column(s)" in text


def test_a_good_upload_calibrates_and_leaves_no_folder(server):
    _, temp_root = server
    result = uploads.calibrate_uploads(upload(mapping(), SPEC))
    assert result.fitted and list(temp_root.iterdir()) == []
    assert result.scenario_path == "my park.yaml" and "/tmp" not in str(result.metrics)


def test_cli_mapping_escape_is_one_line_exit_2(server, tmp_path, capsys):
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "scenario.yaml").write_text(yaml.safe_dump(scenario()), encoding="utf-8")
    (folder / "meters.csv").write_bytes(meters_csv())
    (folder / "map.yaml").write_text(yaml.safe_dump(mapping("../secret.csv")), encoding="utf-8")
    code = cli_main(["calibrate", str(folder / "scenario.yaml"), "--meters", str(folder),
                     "--map", str(folder / "map.yaml"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "must name a file in the data folder" in err[0]
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- finding 2: YAML


def _bounded(text: str, path: Path, reader) -> str:
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(InputError) as info:
        reader(path)
    assert time.perf_counter() - started < 2.0  # refused before anything is expanded
    return str(info.value)


@pytest.mark.parametrize("reader", [load_scenario, load_mapping, load_spec],
                         ids=["scenario", "mapping", "spec"])
def test_alias_bomb_is_refused_by_every_reader(tmp_path, reader):
    text = _bounded(BOMB, tmp_path / "bomb.yaml", reader)
    assert "document too large" in text and f"{MAX_NODES:,}" in text


@pytest.mark.parametrize("reader", [load_scenario, load_mapping, load_spec],
                         ids=["scenario", "mapping", "spec"])
def test_python_tag_is_refused_by_every_reader(tmp_path, reader):
    text = _bounded("a: !!python/object/apply:os.system ['echo hi']\n", tmp_path / "tag.yaml", reader)
    assert "tags such as !!python/object are not allowed" in text


def test_a_self_referencing_alias_and_deep_nesting_are_refused():
    with pytest.raises(InputError, match="nested deeper"):
        parse_yaml("a: " + "[" * 200 + "]" * 200 + "\n", "deep.yaml")


def test_anchors_and_merge_keys_of_a_real_file_still_load():
    doc = parse_yaml("p: &P {a: 1, b: 2}\nq: {<<: *P, b: 3}\n", "ok.yaml")
    assert doc == {"p": {"a": 1, "b": 2}, "q": {"a": 1, "b": 3}}


def test_several_meter_files_and_a_weather_upload_calibrate(server):
    """The Calibration page's uploads: two meter files named by the mapping, and a measured
    weather file named by the spec, all inside the private folder, which is gone afterwards."""
    _, temp_root = server
    scen = {**scenario(), "enterprises": [*scenario()["enterprises"],
                                          {"id": "f2", "sector": "machinery", "heat_bus": None,
                                           "demand": {"electricity_mwh": 500.0}}]}
    second = meters_csv().decode().replace("f1_el", "f2_el").replace(",1", ",2").encode()  # its own series
    doc = {"timezone": "Asia/Shanghai", "meters": {
        "f1_el": {"target": "enterprise.f1.electricity", "unit": "kWh", "file": "a.csv"},
        "f2_el": {"target": "enterprise.f2.electricity", "unit": "kWh", "file": "b.csv"}}}
    hours = [f"{day} {h:02d}:00" for day in ["2024-12-31", *(f"2025-01-{d:02d}" for d in range(1, 32)), "2025-02-01"]
             for h in range(24)]
    weather = ("timestamp,t\n" + "\n".join(f"{s},5.0" for s in hours) + "\n").encode()
    spec = {**SPEC, "weather": {**WEATHER, "path": "bedford.csv"}}
    files = {"scenario": ("my park.yaml", yaml.safe_dump(scen).encode()),
             "meters": [("a.csv", meters_csv()), ("b.csv", second)],
             "mapping": ("my map.yaml", yaml.safe_dump(doc).encode()),
             "spec": ("my spec.yaml", yaml.safe_dump(spec).encode()),
             "weather": ("bedford.csv", weather)}
    result = uploads.calibrate_uploads(files)
    assert set(result.metrics["meters"]) == {"f1_el", "f2_el"}
    assert list(temp_root.iterdir()) == []


def test_a_meter_with_every_reading_screened_is_one_clear_problem(server):
    """A meter whose series copies another's loses its readings to screening: say so, no traceback."""
    scen = {**scenario(), "enterprises": [*scenario()["enterprises"],
                                          {"id": "f2", "sector": "machinery", "heat_bus": None,
                                           "demand": {"electricity_mwh": 500.0}}]}
    doc = {"timezone": "Asia/Shanghai", "meters": {
        "f1_el": {"target": "enterprise.f1.electricity", "unit": "kWh", "file": "a.csv"},
        "f2_el": {"target": "enterprise.f2.electricity", "unit": "kWh", "file": "b.csv"}}}
    files = {"scenario": ("my park.yaml", yaml.safe_dump(scen).encode()),
             "meters": [("a.csv", meters_csv()), ("b.csv", meters_csv().decode().replace("f1_el", "f2_el").encode())],
             "mapping": ("my map.yaml", yaml.safe_dump(doc).encode()), "spec": ("my spec.yaml", yaml.safe_dump(SPEC).encode())}
    with pytest.raises(InputError, match="f2_el.*no readings left"):
        uploads.calibrate_uploads(files)
