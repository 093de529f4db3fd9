/** The example shop's classes, as tests use them: public < internal < confidential < restricted. */
import { redactionPolicy } from '../../../../lib/guard/redact';

export const SHOP_CLASSES = ['public', 'internal', 'confidential', 'restricted'];
export const shopPolicy = redactionPolicy({ dataClasses: SHOP_CLASSES, guard: { injection: 'block', policies: [], redaction: {}, maxBodyBytes: 1048576 } });
