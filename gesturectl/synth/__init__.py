"""Developer tools, not used by the daemon: a scripted stick-figure performer (the bundled demo, the
README's pictures, the tests) and converters of recorded skeleton datasets into traces."""
