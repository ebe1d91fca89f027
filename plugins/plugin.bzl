"""plugin_library: a cc_library whose static registrations always reach the binary.

A plugin registers itself from a static initialiser that nothing references, so a
plain cc_library would be dropped by the static linker and the plugin silently missing.
This macro always sets alwayslink; use it for every plugin:

    load("//plugins:plugin.bzl", "plugin_library")

    plugin_library(
        name = "constant",
        srcs = ["constant.cc"],
        deps = ["//plugins:lr_schedule"],
    )
"""

def plugin_library(name, srcs, deps = [], **kwargs):
    if "alwayslink" in kwargs:
        fail("plugin_library %s: alwayslink is always True for plugins; do not set it" % name)
    if "hdrs" in kwargs:
        fail("plugin_library %s: a plugin is found by name, not by header; move its API to core/" % name)
    native.cc_library(
        name = name,
        srcs = srcs,
        deps = deps,
        alwayslink = True,
        **kwargs
    )

def plugin_group(name, deps, **kwargs):
    """Every plugin of a directory in one target (what the tools link), linked whole.

    A group has no code of its own; alwayslink keeps it correct should a plugin ever be
    listed through a plain library.
    """
    native.cc_library(
        name = name,
        deps = deps,
        alwayslink = True,
        **kwargs
    )
