package io.topogpu.scheduler.gang;

/** The outcome of planning a gang: a placement of every member, or one reason why not. */
public sealed interface GangPlanResult permits GangPlacement, GangRejection {}
