from tests.test_app import app, fixture_db, SHARED
def test_x(app):
    for k, v in SHARED.items():
        app.query_params[k] = v
    app.run()
    print("R1", app.session_state["f_compare"], app.sidebar.radio(key="f_compare").value, dict(app.query_params))
    app.switch_page("pages/dashboard/pilar.py").run()
    print("R2", app.session_state["f_compare"] if "f_compare" in app.session_state else None, app.sidebar.radio(key="f_compare").value, dict(app.query_params))
    app.switch_page("pages/dashboard/wilayah.py").run()
    print("R3", app.session_state["f_compare"] if "f_compare" in app.session_state else None, app.sidebar.radio(key="f_compare").value, dict(app.query_params))
