import {
  AccountInventoryFacts,
  ApiError,
} from '@cis-aws/plugin-cis-aws-common';
import { Box, Typography } from '@material-ui/core';
import { explainApiError, Time } from '../common';

function ErrorLine(props: { error: ApiError }) {
  const { error } = props;
  return (
    <li data-testid="inventory-error">
      <Typography variant="body2">{explainApiError(error)}</Typography>
      <Typography
        variant="caption"
        color="textSecondary"
        component="div"
        style={{ overflowWrap: 'anywhere' }}
      >
        AWS said: {error.message}
      </Typography>
    </li>
  );
}

const list = (regions: string[]) =>
  regions.length ? regions.join(', ') : 'none';

/** Which regions were read, skipped and failed, and the calls that failed: the inventory evidence. */
export function InventoryEvidence(props: { inventory: AccountInventoryFacts }) {
  const { inventory } = props;
  return (
    <Box data-testid="inventory">
      <Typography variant="h6" component="h3">
        Inventory &amp; evidence
      </Typography>
      <Typography variant="body2">
        Collected <Time iso={inventory.collectedAt} withDate /> in partition{' '}
        {inventory.partition}.
      </Typography>
      <Typography variant="body2">
        Regions scanned: {list(inventory.regionsScanned)}
      </Typography>
      <Typography variant="body2">
        Regions skipped (not enabled for the account):{' '}
        {list(inventory.regionsSkipped)}
      </Typography>
      <Typography variant="body2">
        Regions failed: {list(inventory.regionsFailed.map(r => r.region))}
      </Typography>
      {(inventory.regionsFailed.length > 0 ||
        inventory.inventoryErrors.length > 0) && (
        <ul>
          {inventory.regionsFailed.flatMap(r =>
            r.errors.map((e, i) => (
              <ErrorLine key={`${r.region}-${i}`} error={e} />
            )),
          )}
          {inventory.inventoryErrors.map((e, i) => (
            <ErrorLine key={`inv-${i}`} error={e} />
          ))}
        </ul>
      )}
    </Box>
  );
}
