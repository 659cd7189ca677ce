package dev.tollgate.sidecar.alerts;

/** One state change (or repeat) of one alert instance, to be sent to receivers. */
public record Notification(Evaluator.Event event, AlertView alert) {}
