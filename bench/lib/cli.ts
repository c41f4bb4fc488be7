/** An integer option's parser for a bench script: `--name` must be an integer ≥ min, else the usage. */
export function integerOption(usage: string) {
  return (name: string, raw: string, min: number): number => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min)
      throw new Error(`--${name} must be an integer ≥ ${min}, got "${raw}"\n${usage}`);
    return value;
  };
}
