"""The demo's document camera: photographs of pages on desks, drawn (``scenes.make_scene``) with the
corners known. The demo plays them as its camera (``stills``); the camera's tests, benchmarks and the
page net's training draw the same scenes. Nothing here runs on a hall's machines."""
