"""Recording a demonstration into a draft wizard: what was captured (events) and the draft written
from it. Pure Python: the capture itself is an adapter behind app.ports.Capture."""
