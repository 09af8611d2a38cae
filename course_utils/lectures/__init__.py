"""What the lectures define for later notebooks: the code cells each lecture marks ``#@save``, one module per lecture.

``from course_utils.lectures import lecture01`` gives lecture 01's ``build_autoencoder``, ``train_autoencoder`` and
so on. The modules are generated from the notebooks by ``python -m course_tools.export`` and must not be edited:
a lecture is the one home of the models it teaches.
"""
