from . import key_account_report
from . import key_account_pareto_report
from . import key_account_churn_rate
from . import key_account_source_report
