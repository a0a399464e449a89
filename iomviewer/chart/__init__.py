"""The chart without widgets: style, graph building, dot layout records, rendering.

Nothing in this package imports Qt.  Data flows build → layout (screen) and
build → render (files); both run dot on the same graph, so they agree.
pygraphviz is imported only when a graph is built or drawn, so importing
this package stays cheap.
"""
