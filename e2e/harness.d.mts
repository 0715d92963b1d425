// Types for the parts of harness.mjs that TypeScript callers (the benches) use.
export declare function chromiumArgs(extensionDir: string): string[]
