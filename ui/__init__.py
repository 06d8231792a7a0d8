"""Streamlit glue shared by the pages: the warehouse connection, language, labels, banners."""
