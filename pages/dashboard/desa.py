"""Desa: one village's profile — registry facts, month grid, indicators by month, flows, submission history."""
import streamlit as st

from pipelines import areas, catalogue, formatting
from pipelines.views import village_profile
from ui import filters, page, widgets
from ui.cache import data
from ui.i18n import t

pg = page.setup("page_village")
sel, L = pg.sel, pg.lang


def _picked() -> None:
    """A village chosen in the picker becomes the filter's area (so the URL and sidebar follow)."""
    code = st.session_state.get("vp_pick")
    if code:
        filters.set_area(code)
        st.session_state["vp_pick"] = ""


def _table(pair, name: str, **kwargs) -> None:
    """The formatted table on screen; its raw values (blank, never 0, where missing) in the downloads."""
    shown, raw = pair
    widgets.dataframe(shown, **kwargs)
    widgets.downloads(raw, name)


def picker() -> None:
    """No single village selected yet: offer the villages of the selected area."""
    options = data(village_profile.choices, sel.area)
    if options.is_empty():
        st.info(t("vp_no_villages"))
        return
    names = dict(zip(options["village_code"].to_list(), options["label"].to_list()))
    st.selectbox(t("vp_pick"), [""] + list(names), format_func=lambda c: names.get(c, "—"), key="vp_pick",
                 on_change=_picked)
    st.info(t("vp_pick_prompt").format(area=sel.area_label))


def profile() -> None:
    indicator = st.session_state.get("vp_indicator", next(iter(catalogue.indicators())))
    p = data(village_profile.model, sel, L, indicator=indicator)
    if p is None:
        st.error(t("vp_unknown"))
        return
    st.subheader(f"{formatting.md(p.label)} · {p.period_label}")

    # registry facts
    st.markdown(f"#### {t('vp_facts')}")
    facts = p.facts
    for row in (facts[:4], facts[4:]):
        cols = st.columns([1, 1, 1, 1])
        for col, (label, value) in zip(cols, row):
            col.markdown(f"**{label}**  \n{value}")

    # months reported
    st.markdown(f"#### {t('vp_months')}")
    cards = list(p.summary.values())
    for row in (cards[:4], cards[4:]):
        for col, c in zip(st.columns(4), row):
            with col:
                page.card(c)
    widgets.chart(p.grid_fig, p.grid_data, f"status-bulanan-{p.code}", key="vp-grid")
    st.caption(t("vp_deadline_note").format(day=p.deadline_day))

    # every indicator over time
    st.markdown(f"#### {t('vp_indicators')}")
    st.caption(t("vp_indicators_note"))
    heads = p.indicators[0].columns
    layout = {heads[0]: st.column_config.TextColumn(pinned=True, width=60),
              heads[1]: st.column_config.TextColumn(pinned=True),
              **{h: st.column_config.TextColumn(width=118, alignment="right") for h in heads[3:]}}
    _table(p.indicators, f"indikator-{p.code}", height=38 + 35 * p.indicators[0].height,  # every row at once
           column_config=layout)
    codes = list(catalogue.indicators())
    defs = catalogue.indicators()
    st.selectbox(t("vp_choose_indicator"), codes, index=codes.index(p.indicator), key="vp_indicator",
                 format_func=lambda c: f"{c} · {defs[c].name_id if L == 'id' else defs[c].name_en}")
    widgets.chart(p.indicator_fig, p.indicator_data, f"{p.indicator}-{p.code}", key="vp-indicator")

    # placements, returns, remittances
    st.markdown(f"#### {t('vp_flows')}")
    b = p.breakdowns
    tabs = st.tabs([t("vp_placements"), t("vp_returns"), t("vp_remittances")])
    with tabs[0]:
        if b["placements_country_iso2"][0].is_empty():
            st.info(t("vp_no_flows"))
        else:
            widgets.chart(p.placements_fig, b["placements_country_iso2"][1], f"penempatan-negara-{p.code}",
                          key="vp-plc")
            left, right = st.columns(2)
            with left:
                _table(b["placements_sector"], f"penempatan-sektor-{p.code}")
            with right:
                _table(b["placements_sex"], f"penempatan-jenis-kelamin-{p.code}")
    with tabs[1]:
        if b["returns_country_iso2"][0].is_empty():
            st.info(t("vp_no_flows"))
        else:
            left, right = st.columns(2)
            with left:
                _table(b["returns_country_iso2"], f"kepulangan-negara-{p.code}")
            with right:
                _table(b["returns_sex"], f"kepulangan-jenis-kelamin-{p.code}")
    with tabs[2]:
        if b["remittances_country_iso2"][0].is_empty():
            st.info(t("vp_no_flows"))
        else:
            widgets.chart(p.remittances_fig, b["remittances_country_iso2"][1], f"remitansi-negara-{p.code}",
                          key="vp-rem")
            left, right = st.columns(2)
            with left:
                _table(b["remittances_country_iso2"], f"remitansi-negara-tabel-{p.code}")
            with right:
                _table(b["remittances_channel"], f"remitansi-saluran-{p.code}")

    # submission history
    st.markdown(f"#### {t('vp_history')}")
    if p.history is None:  # file names, officers, uploaders: not this user's village (roles.may_see_village)
        st.info(t("vp_history_not_yours"), icon=":material/lock:")
    elif p.history[0].is_empty():
        st.info(t("vp_no_history"))
    else:
        _table(p.history, f"riwayat-{p.code}")


if areas.level_of(sel.area) == "village":
    profile()
else:
    picker()
