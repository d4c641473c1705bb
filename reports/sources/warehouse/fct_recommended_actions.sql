-- One row per recommended action, ranked (priority 1 first): data-quality breaks, then by expected money impact.
-- action_text and rationale are written for readers in the warehouse (fct_recommended_actions) and
-- are shown as they are. evidence is the analysts' record (rules, model figures): evidence_display
-- only swaps its channel and platform codes for names (paid_search -> Paid search, meta_ads ->
-- Meta Ads) and money as "€1,070" instead of "1070.0 EUR".
with recursive labels as (
    select
        row_number() over (order by length(code) desc, code) as n,
        code,
        label
    from (
        select
            channel as code,
            channel_label as label
        from marts.dim_channel
        union
        select distinct
            platform as code,
            platform_name as label
        from marts.dim_campaign
        where platform_name is not null
    ) as codes
),

relabelled (action_id, n, evidence) as (
    select action_id, 0, evidence
    from marts.fct_recommended_actions
    union all
    select
        r.action_id,
        r.n + 1,
        replace(r.evidence, l.code, l.label)
    from relabelled as r
    inner join labels as l on r.n + 1 = l.n
),

texts as (
    select
        action_id,
        regexp_replace(
            regexp_replace(evidence, '([+-]?)([0-9]+)(\.[0-9]+)? EUR', '\1€\2', 'g'),
            '€([0-9]{1,3})([0-9]{3})\b', '€\1,\2', 'g'
        ) as evidence_display
    from relabelled
    where n = (select count(*) from labels)
)

select
    a.action_id,
    a.priority,
    a.action_category,
    a.action_text,
    a.rationale,
    a.expected_impact_eur,
    a.expected_impact_low_eur,
    a.expected_impact_high_eur,
    a.evidence,
    coalesce(t.evidence_display, a.evidence) as evidence_display,
    a.owner,
    a.subject_id,
    a.evidence_date
from marts.fct_recommended_actions as a
left join texts as t on a.action_id = t.action_id
