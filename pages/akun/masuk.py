"""Masuk: the sign-in form (on the demo warehouse also the demo accounts)."""
from ui.auth import login_page

login_page()
