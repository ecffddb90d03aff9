"""Start Streamlit on the dashboard: ``python -m dashboard.launch run dashboard/app.py …``.

The same as ``python -m streamlit``, with one difference: Streamlit treats a folder named
``pages/`` beside the entry script as an old-style multipage app until the script has called
``st.navigation``. The first visitor after a server start who opens a page address directly
(``/karta``, a bookmark, a shared link) would then get Streamlit's English "Page not found"
box. Samsyn always uses ``st.navigation``, so that old mode is switched off before the server
starts.
"""

from __future__ import annotations

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web.cli import main

if __name__ == "__main__":
    PagesManager.uses_pages_directory = False
    sys.exit(main())
