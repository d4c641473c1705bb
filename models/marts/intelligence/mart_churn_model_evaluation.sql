with

evaluation as (
    select * from {{ ref('int_churn_model_evaluated') }}
),

final as (
    select
        cast(metric || coalesce('-' || cast(cast(bin_number as integer) as {{ dbt.type_string() }}), '') as {{ dbt.type_string() }})
            as evaluation_row_id,
        cast(metric as {{ dbt.type_string() }}) as metric,
        cast(bin_number as integer) as bin_number,
        cast(value as double) as metric_value,
        cast(snapshots as integer) as snapshots,
        cast(churned as integer) as churned,
        cast(predicted_churn_rate as double) as predicted_churn_rate,
        cast(observed_churn_rate as double) as observed_churn_rate,
        cast(train_start_month as date) as train_start_month,
        cast(train_end_month as date) as train_end_month,
        cast(holdout_start_month as date) as holdout_start_month,
        cast(holdout_end_month as date) as holdout_end_month
    from evaluation
)

select * from final
