Cannot get device ring settings: No such device
Ring parameters for bond0.102@bond0:

