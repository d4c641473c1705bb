{#- Every platform campaign gets a channel and its taxonomy. Order of
    precedence, per column: a filled cell of campaign_taxonomy_overrides,
    then the parts of a name that follows the naming convention
    <MARKET>_<CHANNEL>_<FUNNEL>_<PRODUCTLINE>_<text> (channel code looked up
    in campaign_channel_codes), then the platform's default channel from
    ad_platforms with 'unmapped' taxonomy. Nothing falls into a silent "other". -#}
{%- set string_type = dbt.type_string() -%}

with

ad_performance as (
    select
        platform,
        account_id,
        account_name,
        account_time_zone,
        campaign_id,
        campaign_key,
        campaign_name,
        campaign_type,
        currency,
        ad_date,
        spend,
        impressions
    from {{ ref('int_ad_performance_unioned') }}
),

channel_codes as (
    select
        platform,
        channel_code,
        free_text_pattern,
        channel,
        sub_channel
    from {{ ref('campaign_channel_codes') }}
),

overrides as (
    select
        platform,
        campaign_id,
        channel,
        sub_channel,
        funnel_stage,
        market,
        product_line
    from {{ ref('campaign_taxonomy_overrides') }}
),

ad_platforms as (
    select
        platform,
        platform_name,
        default_channel,
        default_sub_channel
    from {{ ref('ad_platforms') }}
),

-- Names, account and type as of the campaign's latest day (campaigns get renamed).
latest_rows as (
    select
        platform,
        campaign_id,
        campaign_key,
        campaign_name,
        campaign_type,
        account_id,
        account_name,
        account_time_zone,
        currency,
        row_number() over (
            partition by platform, campaign_id
            order by ad_date desc, spend desc
        ) as recency_rank
    from ad_performance
),

activity as (
    select
        platform,
        campaign_id,
        min(ad_date) as first_reported_date,
        max(ad_date) as last_reported_date,
        -- Active = the platform showed or billed something that day.
        min(case when spend > 0 or impressions > 0 then ad_date end) as first_active_date,
        max(case when spend > 0 or impressions > 0 then ad_date end) as last_active_date
    from ad_performance
    group by 1, 2
),

campaigns as (
    select
        latest_rows.platform,
        latest_rows.campaign_id,
        latest_rows.campaign_key,
        latest_rows.campaign_name,
        latest_rows.campaign_type,
        latest_rows.account_id,
        latest_rows.account_name,
        latest_rows.account_time_zone,
        latest_rows.currency,
        activity.first_reported_date,
        activity.last_reported_date,
        activity.first_active_date,
        activity.last_active_date
    from latest_rows
    inner join activity
        on
            latest_rows.platform = activity.platform
            and latest_rows.campaign_id = activity.campaign_id
    where latest_rows.recency_rank = 1
),

-- The convention: market (2 letters), channel code, funnel stage, product
-- line, then free text; parts are read case-insensitively.
name_parts as (
    select
        platform,
        campaign_id,
        {{ regex_matches('campaign_name', "'(?i)^[a-z]{2}_[a-z]+_(tofu|mofu|bofu)_[a-z]+_.+$'") }} as follows_convention,
        upper({{ dbt.split_part('campaign_name', "'_'", 1) }}) as market,
        upper({{ dbt.split_part('campaign_name', "'_'", 2) }}) as channel_code,
        upper({{ dbt.split_part('campaign_name', "'_'", 3) }}) as funnel_stage,
        upper({{ dbt.split_part('campaign_name', "'_'", 4) }}) as product_line,
        -- Everything after the fourth underscore (the free text may hold more).
        substr(
            campaign_name,
            {{ dbt.length(dbt.split_part('campaign_name', "'_'", 1)) }}
            + {{ dbt.length(dbt.split_part('campaign_name', "'_'", 2)) }}
            + {{ dbt.length(dbt.split_part('campaign_name', "'_'", 3)) }}
            + {{ dbt.length(dbt.split_part('campaign_name', "'_'", 4)) }}
            + 5
        ) as free_text
    from campaigns
),

-- A channel code row with a free-text pattern (e.g. Brand) beats the
-- code's catch-all row.
channel_code_matches as (
    select
        name_parts.platform,
        name_parts.campaign_id,
        channel_codes.channel,
        channel_codes.sub_channel,
        row_number() over (
            partition by name_parts.platform, name_parts.campaign_id
            order by case when channel_codes.free_text_pattern is not null then 0 else 1 end
        ) as match_rank
    from name_parts
    inner join channel_codes
        on
            name_parts.platform = channel_codes.platform
            and name_parts.channel_code = upper(channel_codes.channel_code)
            and (
                channel_codes.free_text_pattern is null
                or {{ regex_matches('name_parts.free_text', 'channel_codes.free_text_pattern') }}
            )
    where name_parts.follows_convention
),

-- Parsed only when the name follows the convention and its channel code is known.
parsed as (
    select
        name_parts.platform,
        name_parts.campaign_id,
        channel_code_matches.channel,
        channel_code_matches.sub_channel,
        name_parts.funnel_stage,
        name_parts.market,
        name_parts.product_line
    from name_parts
    inner join channel_code_matches
        on
            name_parts.platform = channel_code_matches.platform
            and name_parts.campaign_id = channel_code_matches.campaign_id
            and channel_code_matches.match_rank = 1
),

final as (
    select
        campaigns.campaign_key,
        campaigns.platform,
        ad_platforms.platform_name,
        campaigns.campaign_id,
        campaigns.campaign_name,
        campaigns.campaign_type,
        campaigns.account_id,
        campaigns.account_name,
        campaigns.account_time_zone,
        campaigns.currency,
        -- Empty override cells keep the parsed value (or 'unmapped').
        coalesce(overrides.channel, parsed.channel, ad_platforms.default_channel, 'unmapped') as channel,
        coalesce(overrides.sub_channel, parsed.sub_channel, ad_platforms.default_sub_channel, 'unmapped')
            as sub_channel,
        coalesce(overrides.funnel_stage, parsed.funnel_stage, 'unmapped') as funnel_stage,
        coalesce(overrides.market, parsed.market, 'unmapped') as market,
        coalesce(overrides.product_line, parsed.product_line, 'unmapped') as product_line,
        case
            when overrides.campaign_id is not null then 'override'
            when parsed.campaign_id is not null then 'parsed'
            else 'unmapped'
        end as taxonomy_status,
        campaigns.first_reported_date,
        campaigns.last_reported_date,
        campaigns.first_active_date,
        campaigns.last_active_date
    from campaigns
    left join parsed
        on
            campaigns.platform = parsed.platform
            and campaigns.campaign_id = parsed.campaign_id
    left join overrides
        on
            campaigns.platform = overrides.platform
            and campaigns.campaign_id = cast(overrides.campaign_id as {{ string_type }})
    left join ad_platforms
        on campaigns.platform = ad_platforms.platform
)

select * from final
