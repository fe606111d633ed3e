"""Growing a scroll view's virtual size without a screen layout."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """Set `view`'s virtual size; when only its scrollbar can change, skip the layout.

    `virtual_size` is a layout reactive: setting it reflows and repaints every widget
    on the screen (~60 ms beside a 10,000-row thread list), once per live change. When
    the vertical scrollbar is already shown and the view only grows taller, the new height
    changes nothing outside the view and its scrollbar, so those two are refreshed alone.
    A view not on screen (another tab) takes its new size from the layout that shows it.
    """
    grows = size.width == view.virtual_size.width and size.height >= view.virtual_size.height
    if not view.is_on_screen or (view.show_vertical_scrollbar and grows):
        view.set_reactive(Widget.virtual_size, size)
        view.vertical_scrollbar.window_virtual_size = size.height
        view.vertical_scrollbar.refresh()
        view.refresh()
    else:
        view.virtual_size = size
