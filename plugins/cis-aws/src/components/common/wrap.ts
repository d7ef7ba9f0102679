/**
 * Backstage's theme keeps a dense list item's text on one line (`MuiListItemText.dense`: nowrap,
 * overflow hidden, an ellipsis only on direct text), so an explanation in a narrow card was cut
 * mid-sentence. The plugin's lists wrap instead, long ARNs anywhere.
 */
export const WRAPPED_LIST_TEXT = {
  whiteSpace: 'normal',
  overflow: 'visible',
  overflowWrap: 'anywhere',
} as const;
