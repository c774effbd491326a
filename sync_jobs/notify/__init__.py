"""Notifications after each nightly run: a digest per person of what changed for them.

An action that became late or done, an axis behind its pace, a new recommendation, rejected records to fix;
by e-mail (SMTP) and Slack / Teams webhooks through Apprise, per person as the settings choose
(``notifications:`` in ``config/pac.yaml``). Each alert is delivered once per person and channel
(``pac_notification_sent``). ``pac notify --dry-run`` prints what would be sent.
"""

from sync_jobs.notify.service import NotifyResult, after_sync, notify

__all__ = ["NotifyResult", "after_sync", "notify"]
