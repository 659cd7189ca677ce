package dev.tollgate.sidecar.alerts;

import java.util.List;

/** Where the engine hands its notifications; must not block. {@link Notifier} is the real one. */
public interface NotificationSink {
  /** One evaluation's state changes and repeats. */
  void dispatch(List<Notification> notifications);

  /** All alerts firing after an evaluation (for receivers that must be reminded). */
  void resendFiring(List<AlertView> firing);

  NotificationSink NONE =
      new NotificationSink() {
        @Override
        public void dispatch(List<Notification> notifications) {}

        @Override
        public void resendFiring(List<AlertView> firing) {}
      };
}
