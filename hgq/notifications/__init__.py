"""In-app notifications (消息提醒): who is told of what, and the notification centre."""
