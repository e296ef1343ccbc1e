// When to install: German national holidays, the practice's opening hours in local time, and the
// decision to install or reboot now or later. Pure functions, no clock of their own.
export * from './holidays.ts';
export * from './installPolicy.ts';
export * from './openingHours.ts';
export * from './zonedTime.ts';
