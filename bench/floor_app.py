"""Streamlit's floor for the slider benchmark: one slider and one line showing its value."""

import streamlit as st

year = st.slider("Year", 2003, 2026, 2026, key="year")
st.html(f'<div class="floor" data-year="{year}">{year}</div>')
