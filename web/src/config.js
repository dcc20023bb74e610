// Where the page finds its data. All URLs are relative to the page, so the
// page only ever talks to the server that served it (the server's
// Content-Security-Policy is `default-src 'self'` anyway).

/** TileJSON 3.0.0 document describing the neighborhood GeoJSON tiles. */
export const NEIGHBORHOODS_TILEJSON = 'tiles/neighborhoods.json';

/** Padding (CSS px) kept around the data bounds when the view is fitted. */
export const FIT_PADDING = 24;
