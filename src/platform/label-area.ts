// A DIMM's label storage area (the config data behind get_config_size/
// get_config_data/set_config_data, or _LSI/_LSR/_LSW on ACPI).

export class LabelArea {
  readonly bytes: Buffer;
  constructor(
    readonly size: number,
    readonly maxXfer: number,
  ) {
    // A fresh area holds no namespace index, so the kernel finds no labels.
    this.bytes = Buffer.alloc(size);
  }
}
