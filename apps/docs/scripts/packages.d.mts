/** The publishable packages with a page in the docs, in layering order. */
export declare const PACKAGES: readonly string[];
