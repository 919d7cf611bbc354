"""网格工作: the models of this domain."""
