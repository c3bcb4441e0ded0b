"""What only builds data to look at or to measure with: the demo organization (``seed-demo``)
and a province at scale (``seed-scale``). It calls the use cases in ``services``; nothing there
calls it."""
