"""Automatic scheduling: a CP-SAT model of the forum's scheduling rules that proposes a program.

``problem`` loads a forum into plain data (allowed starts come from the manual rules in
``panels.conflicts``), ``model`` builds and solves the CP-SAT model (and the greedy baseline),
``explain`` finds the constraints that block the panels left out, ``score`` measures a schedule, and
``proposals`` is the service organizers' pages, the API and the Celery task call.
"""
