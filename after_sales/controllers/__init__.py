from . import portal
from . import licence_status
