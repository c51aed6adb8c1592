"""The browser app (app.py + parkapp) under Streamlit's AppTest, and its pure helpers.

Every page runs without exceptions, widgets change the results, the indicator panel
shows what twin.assess gives, a file with measures runs its end state (or the year
chosen), the Compare page shows the pathway and the MAC curve after their buttons,
bad uploads show clear errors and no traceback, sessions do not share edits, and
the scenario helpers (uploads, overlays, tables) keep their promises.
"""

from __future__ import annotations

import copy
import io

import pandas as pd
import pytest
import yaml
from conftest import ROOT, SCENARIOS
from streamlit.testing.v1 import AppTest

import twin
from parkapp import editors, exports, page_scenario, schema_ui, tables
from parkapp.scenarios import MAX_UPLOAD_BYTES, canonical, check, overlay, shipped_names, shipped_raw, upload_raw
from twin import load_scenario, run
from twin.errors import InputError
from twin.present import charts_assess, panels
from twin.present.i18n import LANGS, format_number, has, t
from twin.scenario.measures import apply_measures
from twin.scenario.merge import deep_merge
from twin.schema.scenario import Grid, Scenario

APP = str(ROOT / "app.py")
PV_TABLE = "shipped-reference_baseline.yaml-0-assets-pv"


def start() -> AppTest:
    """The app on its first page (Scenario, reference park, Chinese)."""
    at = AppTest.from_file(APP, default_timeout=300).run()  # a generous bound, not a speed test
    assert not at.exception, [e.value for e in at.exception]
    return at


def choose(at: AppTest, key: str, value) -> AppTest:
    """Set a choice widget whose key carries the language (parkapp.widgets.sticky_choice)."""
    lang = at.session_state["lang"] if "lang" in at.session_state else "zh"
    widget = next(w for w in [*at.radio, *at.selectbox] if w.key == f"{key}@{lang}")
    widget.set_value(value).run()
    return at


def goto(at: AppTest, page: str) -> AppTest:
    choose(at, "page", page)
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table(at: AppTest, column: str):
    """The first table (st.dataframe, then st.table) with a column whose name starts with ``column``."""
    for frame in [*at.dataframe, *at.table]:
        if any(str(c).startswith(column) for c in frame.value.columns):
            return frame.value
    raise AssertionError(f"no table with column {column!r}")


def charts_shown(at: AppTest) -> set[str]:
    """Keys of the plotly charts on the page."""
    return {c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")}


def assessed(name: str, year: int | None = None) -> twin.Assessment:
    """What twin.assess gives for a shipped scenario with its measures in service by ``year``."""
    return twin.assess(run(apply_measures(load_scenario(SCENARIOS / name), year=year)))


def assert_panel_is(at: AppTest, a: twin.Assessment, lang: str = "zh") -> None:
    """The indicator panel (first st.table) shows the assessment's values, thresholds and verdicts."""
    panel = at.table[0].value
    expected = panels.indicator_frame(a, lang)
    assert list(panel.columns) == list(expected.columns)
    assert panel.astype(str).values.tolist() == expected.astype(str).values.tolist()
    value = panel.iloc[0, 2]  # the core value, e.g. '4.94 tCO₂/tce'
    assert float(value.split()[0]) == pytest.approx(a.core.value, rel=5e-3)


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    choose(at, "source_kind", "upload")
    at.file_uploader(key="upload").set_value((name, content, "application/x-yaml")).run()
    return at


@pytest.fixture(scope="module")
def results_app() -> AppTest:
    """One session on the Results page of the reference park (shared to keep the suite fast)."""
    return goto(start(), "results")


# --- pages ---------------------------------------------------------------------------

def test_scenario_page_shows_schema_forms_in_chinese():
    at = start()
    assert at.title[0].value == "零碳园区数字孪生"
    labels = [n.label for n in at.number_input]
    assert any("最大购电功率" in label and "[MW]" in label for label in labels)
    assert {d.key for d in at.data_editor} >= {PV_TABLE, "shipped-reference_baseline.yaml-0-enterprises"}
    assert not at.error


def test_results_page_shows_kpis_and_indicator_panel(results_app):
    at = results_app
    a = assessed("reference_baseline.yaml")
    assert len(at.metric) == 8
    assert metrics(at)["单位能耗碳排放 [tCO₂/tce]"] == format_number(a.core.value)
    assert metrics(at)["净碳排放 [tCO₂]"] == format_number(a.accounts["national_park"].net_co2_t)
    assert any("核心指标" in e.value for e in at.error)  # the reference park fails the core indicator
    assert_panel_is(at, a)
    assert at.table[0].value["结论"].tolist()[0] == "✘ 未达标"
    assert any("规模 200,000–1,000,000 tce" in c.value for c in at.caption)
    assert [tab.label for tab in at.tabs][:5] == ["逐时调度", "月度能源", "能流桑基图", "碳排放瀑布图与核算", "R-ACES 能源交换"]
    assert {"chart_carbon", "chart_races"} <= charts_shown(at)
    waterfall = next(c for c in at.get("plotly_chart") if c.proto.id.endswith("chart_carbon"))
    assert format_number(a.accounts["national_park"].net_co2_t) in waterfall.proto.spec
    accounts = table(at, "核算项")
    assert accounts.iloc[-1].tolist()[2:] == [format_number(acc.net_co2_t) for acc in a.accounts.values()]
    assert {b.label for b in at.get("download_button")} >= {"关键指标 CSV", "逐时能流 CSV"}


def test_results_widgets_filter_and_switch(results_app):
    at = results_app
    choose(at, "dispatch_bus", "heat")
    at.slider(key="dispatch_week").set_value(30).run()
    choose(at, "sankey_by", "sector")
    at.text_input(key="ev_text").set_value("Spring Festival").run()
    assert not at.exception
    detail = t("ui.events_col_detail", "zh")
    events = table(at, detail)
    assert all("Spring Festival" in d for d in events[detail])
    assert set(events[t("ui.events_col_event", "zh")]) <= {"春节停产开始", "春节停产结束"}  # event types in Chinese


def test_compare_page_shows_indicators_accounts_economics_pathway_and_mac():
    at = goto(start(), "compare")
    default = ["reference_baseline.yaml", "reference_retrofit.yaml", "reference_newbuild.yaml"]
    assert at.multiselect(key="compare_pick@zh").value == default
    names = [str(shipped_raw(n)["name_zh"]) for n in default]  # the Chinese page shows the Chinese names
    indicators = at.table[0].value
    assert list(indicators.columns)[:3] == names
    core = indicators.loc["单位能耗碳排放 [tCO₂/tce]"]
    accounts = next(tb.value for tb in at.table if "范围二排放（基于位置，核算因子） [tCO₂]" in tb.value.index)
    for name, scenario in zip(names, default, strict=True):
        a = assessed(scenario)
        assert core[name].startswith(format_number(a.core.value)) and ("✔" if a.core.passed else "✘") in core[name]
        for row, value in (("净排放（国家园区核算方法） [tCO₂]", a.accounts["national_park"].net_co2_t),
                           ("范围二排放（基于位置，核算因子） [tCO₂]", a.accounts["ghg_location"].scope_co2_t(2))):
            assert accounts.loc[row, name] == format_number(value)
    versus = next(d.value for d in at.table if any("净现值" in str(i) for i in d.value.index))
    assert versus.loc[versus.index[0], names[0]] == "–"  # the first is the reference
    kpis = table(at, "差值 %")
    at.toggle(key="compare_all").set_value(True).run()
    assert len(table(at, "差值 %")) > len(kpis)
    assert "chart_pathway" not in charts_shown(at) and "chart_mac" not in charts_shown(at)  # only on a button

    at.button(key="run_pathway").click().run()
    assert not at.exception
    assert "chart_pathway" in charts_shown(at)
    assert any("仍未达到核心指标" in s.value for s in at.warning)  # the tile kilns' gas stays (README)
    at.button(key="run_mac").click().run()
    assert {"chart_pathway", "chart_mac"} <= charts_shown(at)
    mac = next(c for c in at.get("plotly_chart") if c.proto.id.endswith("chart_mac"))
    assert "motors_2025" in mac.proto.spec

    years = next(s for s in at.slider if s.key.startswith("plans_years"))
    years.set_value((2026, 2030)).run()  # new inputs: the old pathway is not shown for them
    assert "chart_pathway" not in charts_shown(at) and "chart_mac" in charts_shown(at)
    years.set_value((2025, 2035)).run()  # back to the inputs computed before: from the cache, at once
    assert "chart_pathway" in charts_shown(at)


def test_retrofit_runs_its_end_state_or_the_year_chosen():
    at = start()
    at.selectbox(key="shipped_pick").set_value("reference_retrofit.yaml").run()
    measures = table(at, "投运年份")
    assert len(measures) == 14 and measures["投运年份"].tolist() == sorted(measures["投运年份"])
    assert measures.loc[measures["id"] == "motors_2025", "投资 [万元]"].item() == "6,000"
    goto(at, "results")
    assert any("全部 14 项改造措施已投运" in i.value for i in at.info)
    assert_panel_is(at, assessed("reference_retrofit.yaml"))
    goto(at, "scenario")
    slider = next(s for s in at.select_slider if "measures_year" in s.key)
    assert slider.value == 2032
    slider.set_value(2027).run()
    goto(at, "results")
    assert any("截至 2027 年投运的 7/14 项" in i.value for i in at.info)
    assert_panel_is(at, assessed("reference_retrofit.yaml", 2027))


def test_language_switch_to_english_everywhere(results_app):
    at = results_app
    at.radio(key="lang").set_value("en").run()
    assert at.title[0].value.startswith("Park Twin")
    assert next(r for r in at.radio if r.key == "page@en").value == "results"  # still on Results
    assert "Carbon intensity [tCO₂/tce]" in metrics(at)
    assert [tab.label for tab in at.tabs][0] == "Hourly dispatch"
    at.radio(key="lang").set_value("zh").run()
    assert at.title[0].value == "零碳园区数字孪生"


# --- widgets change the results --------------------------------------------------------

def test_factor_basis_and_pv_table_change_results():
    at = start()
    before = metrics(goto(at, "results"))
    goto(at, "scenario")
    at.selectbox(key="shipped-reference_baseline.yaml-0-grid-emission_factor.basis@zh").set_value("national_fossil").run()
    at.session_state[PV_TABLE] = {"edited_rows": {0: {"p_dc_mw": 60.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.error
    edits = at.session_state["workspace"].overlay
    assert edits["grid"] == {"emission_factor": {"basis": "national_fossil"}}
    assert edits["assets"] == [{"id": "pv_roof_electronics", "p_dc_mw": 60.0}]
    after = metrics(goto(at, "results"))
    assert after["光伏发电量 [MWh]"] != before["光伏发电量 [MWh]"]
    assert after["净碳排放 [tCO₂]"] != before["净碳排放 [tCO₂]"]
    assert any(m.delta for m in at.metric)  # changes against the base are shown


def test_edits_survive_a_visit_to_another_page():
    at = start()
    at.number_input(key="shipped-reference_baseline.yaml-0-grid-import_max_mw").set_value(300.0).run()
    goto(goto(at, "results"), "scenario")
    assert at.number_input(key="shipped-reference_baseline.yaml-0-grid-import_max_mw").value == 300.0


def test_validation_error_appears_beside_its_table():
    at = start()
    at.session_state[PV_TABLE] = {"edited_rows": {0: {"owner": "nobody"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    pv = next(e for e in at.expander if e.label.startswith("分布式光伏"))
    assert any("unknown owner 'nobody'" in e.value for e in pv.error)
    assert not at.get("download_button")  # no download of an invalid scenario
    goto(at, "results")
    assert any("unknown owner" in e.value for e in at.error)


def test_missing_grid_factor_is_reported_beside_the_factor_fields():
    at = start()
    at.selectbox(key="shipped-reference_baseline.yaml-0-grid-emission_factor.year@zh").set_value(2021).run()
    assert not at.exception  # regional factors are published for 2023 only
    assert any("grid.emission_factor" in e.value and "2021" in e.value for e in at.error), [e.value for e in at.error]


def test_downloaded_overlay_rebuilds_the_edited_scenario(tmp_path):
    at = start()
    at.session_state[PV_TABLE] = {"edited_rows": {1: {"p_dc_mw": 9.0}}, "added_rows": [], "deleted_rows": [0]}
    at.run()
    ws = at.session_state["workspace"]
    (tmp_path / ws.name).write_text((SCENARIOS / ws.name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "edited.yaml").write_text(page_scenario.overlay_yaml(ws), encoding="utf-8")
    loaded = load_scenario(tmp_path / "edited.yaml").model_dump(mode="json")
    expected = check(ws.edited, ws.name, "shipped").model_dump(mode="json")
    key = lambda d: canonical({**d, "assets": sorted(d["assets"], key=lambda a: a["id"])})  # noqa: E731
    assert key(loaded) == key(expected)


def test_exports_are_readable(tmp_path):
    results = run(load_scenario(SCENARIOS / "mini.yaml"))
    kpis = pd.read_csv(io.BytesIO(exports.kpis_csv(results, "zh")), encoding="utf-8-sig")
    assert set(kpis["key"]) == set(results.kpis)
    flows = pd.read_csv(io.BytesIO(exports.flows_csv(results)), encoding="utf-8-sig")
    assert len(flows) == len(results.index)
    a = twin.assess(results)
    book = pd.read_excel(io.BytesIO(exports.excel_bytes(results, "en", a)), sheet_name=None)
    assert {"kpis", "indicators", "accounts", "monthly", "daily", "events"} <= set(book)
    assert book["indicators"]["Value"].iloc[0] == panels.shown(a.core.value, "tco2_per_tce", "en")
    if exports.png_available():
        assert exports.png_bytes(charts_assess.carbon_waterfall(a, "en"), width=600)[:8] == b"\x89PNG\r\n\x1a\n"


def test_sessions_do_not_share_edits():
    first, second = start(), start()
    first.selectbox(key="shipped-reference_baseline.yaml-0-grid-emission_factor.basis@zh").set_value("national_fossil").run()
    second.run()
    assert second.session_state["workspace"].changes == 0
    assert second.selectbox(key="shipped-reference_baseline.yaml-0-grid-emission_factor.basis@zh").value == "regional"


# --- uploads -----------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "expected"), [
    (b"name: [unclosed\n", "malformed YAML"),
    (b"- just\n- a list\n", "expected a mapping"),
    (b"extends: ../../etc/passwd\nname: x\n", "只能继承内置情景"),
    (b"\xff\xfe\x00bad", "UTF-8"),
    (b"#" * (MAX_UPLOAD_BYTES + 1), "文件过大"),
])
def test_bad_upload_shows_error_and_no_traceback(content, expected):
    at = upload(start(), "bad.yaml", content)
    assert not at.exception
    assert any(expected in e.value for e in at.error), [e.value for e in at.error]
    assert at.session_state["workspace"].origin == "shipped"  # the previous scenario stays


def test_upload_that_names_a_server_file_cannot_read_it():
    text = yaml.safe_dump({"extends": "mini.yaml", "name": "sneaky",
                           "site": {"weather": {"source": "epw", "path": "/etc/passwd"}}})
    at = upload(start(), "sneaky.yaml", text.encode())
    assert at.session_state["workspace"].origin == "upload"
    goto(at, "results")
    assert not at.exception
    assert at.error and not at.metric


def test_good_upload_extending_a_shipped_scenario_runs():
    text = "extends: mini.yaml\nname: Mini with more PV\nassets:\n  - {id: pv_roof, p_dc_mw: 16}\n"
    at = upload(start(), "more_pv.yaml", text.encode())
    assert any("more_pv.yaml" in s.value for s in at.success)
    goto(at, "results")
    assert at.metric and not at.error



def test_after_a_refused_upload_results_do_not_run_the_previous_scenario():
    """A planner who uploads a broken file must not see the reference park's results as if they were theirs."""
    at = upload(start(), "broken.yaml", b"name: [unclosed\n")
    assert at.error
    goto(at, "results")
    assert not at.exception
    assert not at.metric, "the previous scenario ran after a refused upload"
    assert any("broken.yaml" in w.value for w in at.warning)


def test_an_upload_that_cannot_run_is_not_shown_as_loaded():
    text = "extends: mini.yaml\nname: negative battery\nassets:\n  - {id: battery, p_max_mw: -5}\n"
    at = upload(start(), "neg.yaml", text.encode())
    assert not at.exception
    assert not any("neg.yaml" in s.value for s in at.success)
    assert any("neg.yaml" in e.value for e in at.error)


def test_single_measures_switch_off():
    """Switching one retrofit measure off runs the others (and drops what requires it)."""
    at = start()
    at.selectbox(key="shipped_pick").set_value("reference_retrofit.yaml").run()
    ws = at.session_state["workspace"]
    lang = at.session_state["lang"] if "lang" in at.session_state else "zh"
    off = next(w for w in at.multiselect if w.key == f"{ws.key}-measures_off@{lang}")
    off.set_value(["motors_2025"]).run()
    assert at.session_state["workspace"].off == ("motors_2025",)
    goto(at, "results")
    assert not at.exception and at.metric
    assert any("motors_2025" in i.value for i in at.info)

# --- pure helpers ------------------------------------------------------------------------

def test_upload_errors_name_the_uploaded_file_like_the_cli():
    with pytest.raises(InputError) as info:
        upload_raw("mine.yaml", b"site: {latitude_deg: [\n")
    problem = info.value.problems[0]
    assert problem.file == "mine.yaml" and "malformed YAML" in problem.message and problem.field.startswith("line")


def test_uploaded_scenario_is_checked_against_an_empty_folder():
    raw = upload_raw("x.yaml", b"extends: mini.yaml\nname: x\n")
    scenario = check(raw, "x.yaml", "upload")
    assert scenario._base_dir != SCENARIOS and not any(scenario._base_dir.glob("*"))


def test_every_shipped_scenario_loads_as_a_mapping():
    for name in shipped_names():
        assert check(shipped_raw(name), name, "shipped").name


def test_overlay_round_trips_through_deep_merge():
    base = shipped_raw("reference_baseline.yaml")
    edited = copy.deepcopy(base)
    edited["grid"]["import_max_mw"] = 300
    edited["assets"] = [a for a in edited["assets"] if a["id"] != "bess_park"]
    edited["assets"].append({"id": "pv_new", "type": "pv", "p_dc_mw": 5})
    edited["enterprises"][0]["demand"]["heat_mwh"] = 1000
    over = overlay(base, edited)
    assert {"id": "bess_park", "remove": True} in over["assets"]
    assert canonical(deep_merge(base, over)) == canonical(edited) or _same_items(deep_merge(base, over), edited)
    assert overlay(base, copy.deepcopy(base)) is None


def _same_items(a: dict, b: dict) -> bool:
    key = lambda items: sorted(items, key=lambda i: i["id"])  # noqa: E731
    return canonical({**a, "assets": key(a["assets"])}) == canonical({**b, "assets": key(b["assets"])})


def test_table_round_trip_keeps_hidden_fields_and_defaults_out():
    items = [{"id": "b1", "type": "battery", "p_max_mw": 5, "e_max_mwh": 10, "maintenance": [{"start": "2025-03-01", "days": 2}]}]
    specs = schema_ui.asset_columns(schema_ui.asset_models()["battery"])
    frame = tables.items_frame(items, specs)
    assert frame.loc[0, "eta_charge_frac"] == 0.95  # the default is shown
    frame.loc[0, "p_max_mw"] = 8.0
    back = tables.frame_items(frame, specs, items, {"type": "battery"})
    assert back == [{**items[0], "p_max_mw": 8.0}]


def test_every_edited_field_has_chinese_and_english_labels():
    specs = [schema_ui.field_spec(Grid, p) for p in editors.GRID_PATHS]
    for model in schema_ui.asset_models().values():
        specs += schema_ui.asset_columns(model)
    specs += schema_ui.enterprise_columns()
    fleet = schema_ui.list_item_model(Scenario, "fleets")
    specs += schema_ui.item_columns(fleet) if fleet else []
    missing = {f"{s.model}.{s.path}" for s in specs for lang in LANGS
               if not (has(f"fields.{s.model}.{s.path}", lang) or has(f"fields.{s.path}", lang))}
    assert not missing, f"add these fields to twin/data/i18n.yaml: {sorted(missing)}"


def test_calibration_page_renders():
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    app.sidebar.radio[1].set_value("calibration").run()
    assert not app.exception
    assert any(h.value in ("校准", "Calibration") for h in app.header)
    assert any(b.label in ("开始校准", "Calibrate") for b in app.button)


def test_calibration_button_says_why_it_is_disabled_and_the_example_survives_a_language_switch():
    at = goto(start(), "calibration")
    if any(s.key == "calib_example" for s in at.selectbox):
        at.selectbox(key="calib_example").set_value("").run()  # own data: nothing uploaded yet
    button = next(b for b in at.button if b.label == "开始校准")
    assert button.disabled
    assert any("还需上传" in c.value and "情景 YAML" in c.value for c in at.caption)
    if any(s.key == "calib_example" for s in at.selectbox):  # the real meters sit beside the project
        at.selectbox(key="calib_example").set_value("b2").run()
        at.sidebar.radio[0].set_value("en").run()
        assert at.selectbox(key="calib_example").value == "b2"
        assert not next(b for b in at.button if b.label == "Calibrate").disabled
