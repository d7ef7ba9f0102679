/*
 * The reasons of an account's failing and undetermined trails, worst first,
 * comma-separated (e.g. "ROLE_CANNOT_WRITE,API_ERROR"), so lists can say
 * *why* an account fails without reading its evaluation document.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('cis_aws_accounts', table => {
    table.text('trail_reasons').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('cis_aws_accounts', table => {
    table.dropColumn('trail_reasons');
  });
};
