-- For every attribution model, credited revenue, gross margin and contribution
-- margin add up to the cent to the conversions' amounts (attributable plus
-- '(unattributed)'), per conversion and in the channel summary. Returns the
-- offending rows.
with

conversions as (
    select
        conversion_id,
        revenue_eur,
        gross_margin_eur,
        contribution_margin_eur
    from {{ ref('int_attribution_conversions') }}
),

attribution as (
    select
        attribution_model,
        conversion_id,
        attributed_revenue_eur,
        attributed_gross_margin_eur,
        attributed_contribution_margin_eur
    from {{ ref('fct_attribution') }}
),

summary as (
    select
        attribution_model,
        sum(attributed_revenue_eur) as attributed_revenue_eur,
        sum(attributed_gross_margin_eur) as attributed_gross_margin_eur,
        sum(attributed_contribution_margin_eur) as attributed_contribution_margin_eur
    from {{ ref('mart_attribution_channel_summary') }}
    group by 1
),

attribution_models as (
    select distinct attribution_model from attribution
),

per_conversion as (
    select
        attribution_model,
        conversion_id,
        sum(attributed_revenue_eur) as attributed_revenue_eur,
        sum(attributed_gross_margin_eur) as attributed_gross_margin_eur,
        sum(attributed_contribution_margin_eur) as attributed_contribution_margin_eur
    from attribution
    group by 1, 2
),

-- Every conversion must appear in every model (never dropped).
expected as (
    select
        attribution_models.attribution_model,
        conversions.conversion_id,
        conversions.revenue_eur,
        conversions.gross_margin_eur,
        conversions.contribution_margin_eur
    from conversions
    cross join attribution_models
),

conversion_mismatches as (
    select
        expected.attribution_model,
        expected.conversion_id,
        'conversion' as level
    from expected
    left join per_conversion
        on
            expected.attribution_model = per_conversion.attribution_model
            and expected.conversion_id = per_conversion.conversion_id
    where
        per_conversion.conversion_id is null
        or per_conversion.attributed_revenue_eur <> expected.revenue_eur
        or per_conversion.attributed_gross_margin_eur <> expected.gross_margin_eur
        or per_conversion.attributed_contribution_margin_eur <> expected.contribution_margin_eur
),

totals as (
    select
        sum(revenue_eur) as revenue_eur,
        sum(gross_margin_eur) as gross_margin_eur,
        sum(contribution_margin_eur) as contribution_margin_eur
    from conversions
),

summary_mismatches as (
    select
        attribution_models.attribution_model,
        cast(null as {{ dbt.type_string() }}) as conversion_id,
        'summary' as level
    from attribution_models
    cross join totals
    left join summary
        on attribution_models.attribution_model = summary.attribution_model
    where
        summary.attribution_model is null
        or summary.attributed_revenue_eur <> totals.revenue_eur
        or summary.attributed_gross_margin_eur <> totals.gross_margin_eur
        or summary.attributed_contribution_margin_eur <> totals.contribution_margin_eur
)

select * from conversion_mismatches
union all
select * from summary_mismatches
