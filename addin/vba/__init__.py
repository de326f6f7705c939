"""VBA projects without Excel: MS-OVBA compression (`ovba`), compound files (`cfb`) and
adding a module to a `vbaProject.bin` (`project`), for the desktop add-in's build."""
