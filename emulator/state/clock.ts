/** The emulator's only source of time: injected (`LineEmulatorOptions.now`) so tests can move it. */
export class Clock {
  constructor(readonly now: () => number) {}

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}
