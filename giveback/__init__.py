"""giveback's command line: `giveback recommend`, `loops`, `reconcile`, `template`, `demo`."""
